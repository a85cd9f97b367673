import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// A relative base lets the built folder work from any static host and any sub-path.
export default defineConfig({
  base: "./",
  plugins: [react()],
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: false },
  server: { open: false, host: "127.0.0.1" },
  preview: { open: false, host: "127.0.0.1" },
});
