import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);
import{__commonJS,__require}from"./chunk-ES7F7CQ4.js";var require_node_path=__commonJS({"builtin-via-require:node:path"(exports,module){module.exports=__require("node:path")}});export{require_node_path};
