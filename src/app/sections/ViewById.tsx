import { BatchPanel } from "../../panels/Batch/BatchPanel";
import { FormulaPanel } from "../../panels/Formula/FormulaPanel";
import { GradientCheckPanel } from "../../panels/GradientCheck/GradientCheckPanel";
import { OptionsPanel } from "../../panels/Options/OptionsPanel";
import { RecurrentPanel } from "../../panels/Recurrent/RecurrentPanel";
import { ReductionPanel } from "../../panels/Reduction/ReductionPanel";
import { UntiedPanel } from "../../panels/Untied/UntiedPanel";
import { WeightMapsPanel } from "../../panels/WeightMaps/WeightMapsPanel";
import "../views.css";

const VIEWS: Record<string, () => React.JSX.Element> = {
  formula: FormulaPanel,
  "weight-maps": WeightMapsPanel,
  "gradient-check": GradientCheckPanel,
  reduction: ReductionPanel,
  options: OptionsPanel,
  batch: BatchPanel,
  untied: UntiedPanel,
  recurrent: RecurrentPanel,
};

/** One of the "next questions" views by its section id (a chunk of its own, for embedding). */
export default function ViewById({
  id,
}: {
  /** The section's id. */
  id: string;
}) {
  const View = VIEWS[id];
  return View ? <View /> : null;
}
