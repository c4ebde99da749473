/**
 * @module app/components/icon-button
 * The demo's one icon-only button: `button.icon-button` around an {@link Icon}, named by its aria-label
 * since the icon itself is hidden from assistive technology.
 */
import type { JSX } from "preact";
import { Icon, type IconName } from "./icons";

/** Props of {@link IconButton}. */
export interface IconButtonProps {
  icon: IconName;
  /** Icon size in px; the icon's own default when left out. */
  iconSize?: number;
  /** The accessible name (aria-label). */
  label: string;
  /** Tooltip; left out where the label alone is enough, shorter or longer than the label where that reads better. */
  title?: string;
  onClick: () => void;
  /** Classes after `icon-button`: a size (`small`) or a hook for layout (`back`, `attach`, …). */
  class?: string;
  id?: string;
  disabled?: boolean;
  /** For a button that shows and hides a region: aria-expanded and aria-controls. */
  expanded?: boolean;
  controls?: string;
}

/** An icon-only button. */
export function IconButton({
  icon,
  iconSize,
  label,
  title,
  onClick,
  class: extraClass,
  id,
  disabled,
  expanded,
  controls,
}: IconButtonProps): JSX.Element {
  return (
    <button
      type="button"
      id={id}
      class={extraClass ? `icon-button ${extraClass}` : "icon-button"}
      onClick={onClick}
      aria-label={label}
      title={title}
      disabled={disabled}
      aria-expanded={expanded}
      aria-controls={controls}
    >
      <Icon name={icon} size={iconSize} />
    </button>
  );
}
