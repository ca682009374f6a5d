import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);
import{EnvHttpProxyAgent,ProxyAgent,fetch,init_undici}from"./chunk-G22MG6DF.js";import"./chunk-43UB7UBN.js";import"./chunk-ES7F7CQ4.js";init_undici();export{EnvHttpProxyAgent,ProxyAgent,fetch};
