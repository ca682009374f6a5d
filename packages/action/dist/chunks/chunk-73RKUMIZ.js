import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);
import{__commonJS,__require}from"./chunk-ES7F7CQ4.js";var require_promises=__commonJS({"builtin-via-require:node:fs/promises"(exports,module){module.exports=__require("node:fs/promises")}});export{require_promises};
