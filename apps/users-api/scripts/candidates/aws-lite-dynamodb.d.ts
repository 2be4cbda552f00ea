// The plugin ships no types of its own (its types are a separate package this comparison does not need).
declare module '@aws-lite/dynamodb' {
  const plugin: object;
  export default plugin;
}
