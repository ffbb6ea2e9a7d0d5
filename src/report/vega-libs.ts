/**
 * vega and vega-lite behind one module. The build (scripts/build.mjs) bundles this file in place
 * (dist/report/vega-libs.js): importing one pre-bundled file instead of vega's ~100 packages
 * (vega-*, d3-*) saves ~0.2 s of module resolution and loading on every report.
 */
export * as vega from 'vega';
export * as vl from 'vega-lite';
