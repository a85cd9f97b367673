/**
 * What a section adds to a link or an embed of it, beside the state: the real network's
 * settings, seed and chosen image (`net=…`) live in a store of its own, which the header's
 * share buttons must not import (they would carry the network's code). The section provides
 * them while it is on the page.
 */
const providers = new Map<string, () => Record<string, string>>();

/** While the section `id` is shown, `provide` gives its link parameters; returns the undo. */
export function provideSectionParams(id: string, provide: () => Record<string, string>) {
  providers.set(id, provide);
  return () => {
    if (providers.get(id) === provide) providers.delete(id);
  };
}

/** `fragment` with the parameters of the section `id` (none when it provides none). */
export function withSectionParams(fragment: string, id: string | null): string {
  const provide = id === null ? undefined : providers.get(id);
  if (provide === undefined) return fragment;
  const params = new URLSearchParams(fragment);
  for (const [key, value] of Object.entries(provide())) params.set(key, value);
  return params.toString();
}
