import { StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./app.css";
import { engine } from "../state/engineClient";
import { lazyPart, PartBoundary } from "../viz/lazyPart";
import { registerOffline } from "./offline";
import { fragmentParam, sectionOf } from "./sections/sections";
import { applyTheme, savedTheme } from "./theme";

// Before the first render, so a saved dark theme never flashes light.
applyTheme(savedTheme());
registerOffline();
// The engine's worker starts loading now, beside the first render, rather than when the first
// sweep is asked for after it: on a busy machine its load is most of the wait for that sweep.
engine();

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
// `#embed=<section>` shows one section with little chrome, for an <iframe> in a course page.
const embedded = sectionOf(fragmentParam(window.location.hash, "embed"));
if (embedded !== null) document.documentElement.classList.add("embedded");
// The embedded page is a chunk of its own: the full app's first load never carries it.
const Embed = lazyPart(() => import("./sections/Embed").then((m) => ({ default: m.Embed })));
createRoot(root).render(
  <StrictMode>
    {embedded === null ? (
      <App />
    ) : (
      <PartBoundary what={embedded.title}>
        <Suspense fallback={null}>
          <Embed section={embedded} />
        </Suspense>
      </PartBoundary>
    )}
  </StrictMode>,
);
