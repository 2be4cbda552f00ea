/** @type {import('jest').Config} */
module.exports = {
  preset: '../../../jest-preset.js',
  // The sources import with `.js`, as Node's ESM needs in the emitted dist/; under jest they resolve to the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
