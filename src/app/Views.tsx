import { BatchPanel } from "../panels/Batch/BatchPanel";
import { runningOf } from "../panels/busyPanels";
import { FormulaPanel } from "../panels/Formula/FormulaPanel";
import { useFarPanels } from "../panels/farPanels";
import { GradientCheckPanel } from "../panels/GradientCheck/GradientCheckPanel";
import { OptionsPanel } from "../panels/Options/OptionsPanel";
import { RecurrentPanel } from "../panels/Recurrent/RecurrentPanel";
import { ReductionPanel } from "../panels/Reduction/ReductionPanel";
import { UntiedPanel } from "../panels/Untied/UntiedPanel";
import { WeightMapsPanel } from "../panels/WeightMaps/WeightMapsPanel";
import { useApp } from "../state/useApp";
import { LazyNetwork } from "./network/LazyNetwork";
import "./views.css";

/**
 * The "next questions" panels below the main figure. A chunk of its own (see LazyViews): the
 * first paint and the first sweep never wait for it.
 */
export default function Views() {
  return (
    <>
      <FarPanels />
      <FormulaPanel />
      <WeightMapsPanel />
      <GradientCheckPanel />
      <ReductionPanel />
      <OptionsPanel />
      <BatchPanel />
      <UntiedPanel />
      <RecurrentPanel />
      <LazyNetwork />
    </>
  );
}

/**
 * The main figure's panels and the views': far off screen while a sweep plays or training
 * runs, not rendered (a stroke's moves come one at a time: marking and showing the panels
 * again for each would cost more than it saves). Loaded with the views (right after the first
 * load), so the first load does not carry it. A component of its own that renders nothing, so
 * that Play and Pause re-render no panel: each re-render would repaint the panel in full.
 */
function FarPanels() {
  const running = useApp(runningOf);
  useFarPanels("#figure > .panel, .views .panels > .panel", running);
  return null;
}
