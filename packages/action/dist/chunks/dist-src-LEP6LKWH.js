import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);
import{Octokit}from"./chunk-FUFRVNCB.js";import"./chunk-ES7F7CQ4.js";export{Octokit};
