/**
 * One schema, one meaning: the `POST /users` model the gateway validates with (draft-04, compiled by ajv as the local
 * gateway compiles it) and the function's own validation give the same verdict on every name length, astral
 * characters included, and the model is never stricter than the function.
 */
import { toGatewayModel, validate } from '@portico/http';
import Ajv from 'ajv-draft-04';
import fc from 'fast-check';
import { CreateUserBody } from '../src/routes';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const { $schema: _dialect, ...model } = toGatewayModel(CreateUserBody);
const gateway = ajv.compile(model);

/** The function's verdict, and whether a length rule (however it counts) is among its complaints. */
async function functionVerdict(body: unknown): Promise<{ ok: boolean; tooLong: boolean }> {
  const result = await validate(CreateUserBody, body);
  const codes = result.ok ? [] : result.violations.map((violation) => violation.code);
  return { ok: result.ok, tooLong: codes.includes('max_code_points') || codes.includes('max_length') };
}

function gatewayVerdict(body: unknown): { ok: boolean; keywords: string[] } {
  const ok = gateway(body);
  return { ok, keywords: (gateway.errors ?? []).map((error) => error.keyword) };
}

/** Characters any reader sees, BMP and astral (one UTF-16 unit or two). */
const visibleChar = fc.oneof(
  fc.constantFrom('a', 'Z', '7', 'é', 'ß', 'ж', '中', '!', '€', '😀', '🦄', '𝔘', '𠀀', '👍', '🇪'),
  fc.integer({ min: 0x1f300, max: 0x1f5ff }).map((cp) => String.fromCodePoint(cp)),
  fc.integer({ min: 0x4e00, max: 0x9fff }).map((cp) => String.fromCodePoint(cp)),
  fc.integer({ min: 0x1d400, max: 0x1d433 }).map((cp) => String.fromCodePoint(cp)),
);
/** Names of 1 to 130 visible characters, every length equally likely, so length is the only rule in play. */
const visibleName = fc
  .integer({ min: 1, max: 130 })
  .chain((length) => fc.array(visibleChar, { minLength: length, maxLength: length }))
  .map((chars) => chars.join(''));
/** Any string up to 130 code points: arbitrary code points, lone surrogates, graphemes, controls. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 130, size: 'max' }),
  fc.string({ unit: 'grapheme', maxLength: 130, size: 'max' }),
  fc.string({ unit: fc.constantFrom('😀', '\u0000', '\ud800', 'a', ' ', '\u200b'), maxLength: 130, size: 'max' }),
);

describe('the POST /users model and the function', () => {
  it('give the same verdict on names of visible characters, counting code points as JSON Schema does', async () => {
    await fc.assert(
      fc.asyncProperty(visibleName, async (name) => {
        const codePoints = [...name].length;

        const fn = await functionVerdict({ name });
        const gw = gatewayVerdict({ name });

        expect({ function: fn.ok, gateway: gw.ok }).toEqual({ function: codePoints <= 100, gateway: codePoints <= 100 });
      }),
      { numRuns: 500 },
    );
  });

  it('agree on the length rule for any string, and the model never refuses what the function accepts', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (name) => {
        const fn = await functionVerdict({ name });
        const gw = gatewayVerdict({ name });

        expect(fn.tooLong).toBe(gw.keywords.includes('maxLength'));
        if (fn.ok) expect(gw.ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('accept 60 emoji (120 UTF-16 units) on both sides', async () => {
    const name = '😀'.repeat(60);

    expect(gatewayVerdict({ name }).ok).toBe(true);
    expect((await functionVerdict({ name })).ok).toBe(true);
  });

  it('bound email the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', '😀'), minLength: 240, maxLength: 270 }), async (local) => {
        const email = `${local}@example.com`;

        const fn = await functionVerdict({ name: 'Ada', email });
        const gw = gatewayVerdict({ name: 'Ada', email });

        expect(fn.tooLong).toBe(gw.keywords.includes('maxLength'));
      }),
      { numRuns: 200 },
    );
  });
});
