import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// A relative base lets the built folder work from any static host and any sub-path.
export default defineConfig({
  base: "./",
  plugins: [react()],
  worker: { format: "es" },
  // The asset manifest lets the offline cache (public/sw.js) fetch every built file on install.
  build: { target: "es2022", sourcemap: false, manifest: "asset-manifest.json" },
  server: { open: false, host: "127.0.0.1" },
  preview: { open: false, host: "127.0.0.1" },
});
