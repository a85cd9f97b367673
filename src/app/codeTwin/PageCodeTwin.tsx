import { currentLinkedState } from "../../state/loading";
import { type CodeTwin, CodeTwinDialog, type CodeTwinDialogProps } from "./CodeTwinDialog";
import { pythonScript, SCRIPT_NAMES } from "./pythonScript";

/** The main view's twin: its image, filter, target and settings, as the page holds them now. */
function pageTwin(): CodeTwin {
  const state = currentLinkedState();
  return {
    title: "The current state as code",
    about: (check) =>
      `A self-contained script with this image, filter, bias, target, options, loss and learning rate. It loops over every position, adds each one's terms into one buffer, checks the buffer against ${check}, and prints the filter after one update.`,
    scripts: { pytorch: pythonScript(state, "pytorch"), numpy: pythonScript(state, "numpy") },
    names: SCRIPT_NAMES,
  };
}

/** "Show as code" of the main view (a chunk of its own, with its script writer). */
export default function PageCodeTwin({ onClose }: CodeTwinDialogProps) {
  return <CodeTwinDialog make={pageTwin} onClose={onClose} />;
}
