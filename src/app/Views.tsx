import { BatchPanel } from "../panels/Batch/BatchPanel";
import { FormulaPanel } from "../panels/Formula/FormulaPanel";
import { GradientCheckPanel } from "../panels/GradientCheck/GradientCheckPanel";
import { OptionsPanel } from "../panels/Options/OptionsPanel";
import { RecurrentPanel } from "../panels/Recurrent/RecurrentPanel";
import { ReductionPanel } from "../panels/Reduction/ReductionPanel";
import { UntiedPanel } from "../panels/Untied/UntiedPanel";
import { WeightMapsPanel } from "../panels/WeightMaps/WeightMapsPanel";
import { LazyNetwork } from "./network/LazyNetwork";
import "./views.css";

/**
 * The "next questions" panels below the main figure. A chunk of its own (see LazyViews): the
 * first paint and the first sweep never wait for it.
 */
export default function Views() {
  return (
    <>
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
