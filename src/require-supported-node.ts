// Imported first by the Node entry, the scripts and the test config: none of them runs on an end-of-life Node.js.
import { requireSupportedNode } from "./runtime.ts";

requireSupportedNode();
