/**
 * @module app/lib/memo
 * `memo()` for Preact without pulling in preact/compat: the wrapped component re-renders only when a
 * prop changed (shallow compare). List items use it, so a new message or a presence change renders
 * only its own row.
 */
import { Component, type ComponentType, type FunctionComponent, h } from "preact";

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a) as (keyof typeof a)[];
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.is(a[k], b[k]));
}

/** Wraps a function component so equal props skip its render. */
export function memo<P extends object>(Inner: FunctionComponent<P>): ComponentType<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: Readonly<P>): boolean {
      return !shallowEqual(this.props, next);
    }

    override render() {
      return h(Inner, this.props);
    }
  }
  return Memo;
}
