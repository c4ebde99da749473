/**
 * @module app/main
 * Entry point of the demo chat (bundled to public/app.js by `npm run build:client`).
 */
import { render } from "preact";
import { App } from "./app";

const root = document.getElementById("app");
if (root) render(<App />, root);
