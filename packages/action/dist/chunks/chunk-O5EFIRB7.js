import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);
import{__commonJS,__require}from"./chunk-ES7F7CQ4.js";var require_node_os=__commonJS({"builtin-via-require:node:os"(exports,module){module.exports=__require("node:os")}});export{require_node_os};
