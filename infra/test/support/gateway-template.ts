/**
 * Renders the gateway-response templates of the stack the way API Gateway does, for the few constructs they use:
 * `$context.error.messageString` (the message, already a quoted JSON string) and
 * `$util.escapeJavaScript($context.error.validationErrorString)`, optionally followed by Java `replaceAll` calls.
 * Anything else in a template throws, so a template this can't read fails the test instead of passing untested.
 */

/** Apache Commons Lang's `StringEscapeUtils.escapeJavaScript`, which `$util.escapeJavaScript` is. */
export function escapeJavaScript(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const named: Record<string, string> = { "'": "\\'", '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r' };
    if (named[ch] !== undefined) out += named[ch];
    else if (code < 0x20 || code > 0x7f) {
      // Java strings are UTF-16: a character outside the BMP is escaped as its two surrogates.
      for (const unit of ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [code]) {
        out += `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
      }
    } else out += ch;
  }
  return out;
}

/** Java's `String.replaceAll(regex, replacement)` for the regexes JS reads the same way (no `$` groups in the replacement). */
function javaReplaceAll(text: string, regex: string, replacement: string): string {
  if (/[$\\]/.test(replacement)) throw new Error(`replacement ${JSON.stringify(replacement)} needs Java's replacement syntax: not supported here`);
  return text.replace(new RegExp(regex, 'g'), replacement);
}

const ESCAPED_VALIDATION_ERROR = /\$util\.escapeJavaScript\(\$context\.error\.validationErrorString\)((?:\.replaceAll\("(?:[^"\\]|\\.)*","(?:[^"\\]|\\.)*"\))*)/;

/** The body API Gateway sends for `template` when validation failed with `error`. */
export function renderGatewayResponse(template: string, error: { message: string; validationErrorString: string }): string {
  let body = template.replaceAll('$context.error.messageString', JSON.stringify(error.message));
  const escaped = ESCAPED_VALIDATION_ERROR.exec(body);
  if (escaped) {
    let value = escapeJavaScript(error.validationErrorString);
    // VTL string literals keep backslashes as written: the text between the quotes is the Java regex as is.
    for (const [, regex, replacement] of escaped[1]!.matchAll(/\.replaceAll\("((?:[^"\\]|\\.)*)","((?:[^"\\]|\\.)*)"\)/g)) {
      value = javaReplaceAll(value, regex!, replacement!);
    }
    body = body.replace(escaped[0], () => value);
  }
  if (/\$!?\{?(context|util|input|stageVariables)\b|#(set|if|foreach)\b/.test(body)) throw new Error(`template has VTL this renderer does not know: ${template}`);
  return body;
}
