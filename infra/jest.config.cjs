/** @type {import('jest').Config} */
module.exports = { preset: '../jest-preset.js', testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/plans/'] };
