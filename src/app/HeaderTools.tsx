import { CodeTwinButton } from "./codeTwin/CodeTwinButton";
import { FigureButtons } from "./FigureButtons";
import { ShareButton } from "./ShareButton";
import { StateFileButtons } from "./StateFileButtons";

/**
 * The header's tools for taking work elsewhere: the figure as SVG/PNG, a link, an embed code,
 * the code twin, Export and Import (with a file dropped on the page). A chunk of its own,
 * fetched right after the first load: nobody needs them before the page has drawn.
 */
export default function HeaderTools() {
  return (
    <>
      <FigureButtons />
      <ShareButton />
      <ShareButton kind="embed" />
      <CodeTwinButton />
      <StateFileButtons />
    </>
  );
}
