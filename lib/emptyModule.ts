// Stands in for Node's `fs` in browser bundles. The QuickJS build we ship for learner code has
// `require("fs")`, and PGlite's Node filesystem imports `existsSync`/`mkdirSync`, both behind
// Node-only branches the browser never takes; these stubs only satisfy the bundler.
const unavailable = (name: string) => () => {
  throw new Error(`fs.${name} is not available in the browser`);
};
export const existsSync = unavailable('existsSync');
export const mkdirSync = unavailable('mkdirSync');
export const readFileSync = unavailable('readFileSync');
export default { existsSync, mkdirSync, readFileSync };
