import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./app.css";
import { registerOffline } from "./offline";
import { applyTheme, savedTheme } from "./theme";

// Before the first render, so a saved dark theme never flashes light.
applyTheme(savedTheme());
registerOffline();

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
