/**
 * Synchronous Vega-Lite -> SVG rendering (no browser, no canvas).
 *
 * Vega's public `view.toSVG()` is asynchronous only because it may have to load external data or
 * images. Our specs carry inline data and no images, so the dataflow can be run synchronously
 * (`view.run()`) and the scenegraph rendered with Vega's own headless SVG string renderer, exactly
 * as `renderHeadless` does inside `toSVG`. test/report/vegaSvg.test.ts checks that the output is
 * byte-identical to `await view.toSVG()` for every chart type, so a change in Vega's internals is
 * caught by the tests.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite specification as plain JSON (the chart builders' output; render it with
 * {@link vegaLiteToSvg}, vega-embed or any Vega-Lite tool). Typed loosely on purpose: the
 * package's declarations do not name vega/vega-lite types, so a consumer type-checks without them
 * (vega-lite's own .d.ts fail under `exactOptionalPropertyTypes`, vega's need the DOM library).
 * Cast to vega-lite's `TopLevelSpec` for its checking.
 */
export type VegaLiteSpec = Record<string, unknown>;

/** The part of a headless Vega view that {@link vegaLiteView} promises (a `vega.View` underneath). */
export interface HeadlessVegaView {
  /** Vega's own asynchronous SVG export. */
  toSVG(scaleFactor?: number): Promise<string>;
  /** Release the view's dataflow. */
  finalize(): void;
}

interface ViewInternals {
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
}

interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: readonly number[], scaleFactor: number): SvgStringRenderer;
  background(color: unknown): SvgStringRenderer;
  render(scene: unknown): SvgStringRenderer;
  svg(): string;
}

/** Compile a Vega-Lite spec and build a headless Vega view (run synchronously). */
export function vegaLiteView(spec: object): HeadlessVegaView {
  return headlessView(spec);
}

function headlessView(spec: object): vega.View {
  // Silence Vega-Lite/Vega warnings (library code never prints); errors still throw.
  const logger = vega.logger(vega.None);
  const view = new vega.View(vega.parse(vl.compile(spec as TopLevelSpec, { logger }).spec), { renderer: 'none', logLevel: vega.None });
  view.run();
  return view;
}

/** Render a Vega-Lite spec with inline data to an SVG string, synchronously. */
export function vegaLiteToSvg(spec: object): string {
  const view = headlessView(spec);
  const v = view as unknown as ViewInternals;
  const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
  const width = Math.max(0, v._viewWidth + pad.left + pad.right);
  const height = Math.max(0, v._viewHeight + pad.top + pad.bottom);
  const Ctor = (vega as unknown as { SVGStringRenderer: new (loader: unknown) => SvgStringRenderer }).SVGStringRenderer;
  const r = new Ctor(view.loader())
    .initialize(null, width, height, [pad.left + v._origin[0], pad.top + v._origin[1]], 1)
    .background(view.background());
  r.render((view.scenegraph() as unknown as { root: unknown }).root);
  const svg = r.svg();
  view.finalize();
  return svg;
}
