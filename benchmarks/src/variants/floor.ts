/**
 * Not a contender: a handler that does nothing. Its rows show the floor every variant pays in this harness (ESM
 * import of a one-line bundle, one awaited call timed with hrtime), so the others can be read net of it.
 */
export async function handler(): Promise<{ statusCode: number; body: string }> {
  return { statusCode: 200, body: '' };
}
