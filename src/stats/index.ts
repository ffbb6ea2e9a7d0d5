// Numeric kernels for data-drift detection (see each module's header for definitions and the
// SciPy/NumPy reference they are tested against: test/fixtures/drift/README.md).
export { ks2samp, ksFromSorted, ksAgainstQuantiles, ksStatisticAgainstQuantiles, ksAsympPValue, type KsMethod, type KsResult } from './ks.js';
export { kstwoSf, smirnovSf } from './kstwo.js';
export { wasserstein, wassersteinFromSorted, wassersteinToQuantiles, quantileSketch, quantileSketchErrorBound } from './wasserstein.js';
export { psi, psiFromSorted, psiFromProportions, psiLevel, PSI_EPSILON, type PsiLevel, type PsiResult } from './psi.js';
export { referenceProfile, compareToProfile, type ReferenceProfile, type ProfileComparison } from './profile.js';
export { sortedNonMissing, quantileSorted } from './sorted.js';
export { sketchTails, tailSize, TAIL_MAX, type QuantileTails } from './tails.js';
export { RUNS_MAX, runsFromSorted, compareRuns, ksStatisticRuns, wassersteinRuns, type ValueRuns } from './runs.js';
export { chi2Homogeneity, jensenShannon, categoryPsi, type Chi2Result } from './categorical.js';
export { chi2Sf, gammaP, gammaQ, lnGamma } from './gamma.js';
