/**
 * Public API of the analytics kernel: pure graph algorithms over a typed-array CSR.
 * Graph in (CsrGraph, nodes 0..n−1), plain data out (typed arrays indexed by node, numbers).
 * See README.md in this folder for conventions shared by every algorithm.
 */

export { arcWeight, buildCsr, reweighted, rowPosition, toUndirected, reverse, fromEdgeList } from './csr.js';
export type { CsrGraph, OutArcs, BuildCsrOptions, ToUndirectedOptions, LabelledCsr, NodeId, EdgeTuple } from './csr.js';
export {
  AnalyticsError,
  ConvergenceError,
  EmptyGraphError,
  InvalidArgumentError,
  InvalidGraphError,
  NotDirectedError,
} from './errors.js';
export type { AnalyticsErrorCode } from './errors.js';
export type { IterationOptions, IterationResult } from './iteration.js';
export { createRng, randomPermutation, sampleWithoutReplacement, shuffleInPlace } from './random.js';
export type { Rng } from './random.js';
export { degree } from './degree.js';
export type { DegreeOptions, DegreeDirection } from './degree.js';
export { pagerank, PAGERANK_DEFAULTS } from './pagerank.js';
export type { PagerankOptions, PagerankResult } from './pagerank.js';
export { betweenness, BETWEENNESS_DEFAULTS, DEFAULT_BETWEENNESS_SEED } from './betweenness.js';
export type { BetweennessGraph, BetweennessOptions, BetweennessResult } from './betweenness.js';
export { closeness } from './closeness.js';
export { closenessAndHarmonic } from './closeness-harmonic.js';
export { checkpoint, type KernelControl } from './control.js';
export type { ClosenessOptions, SampledScores } from './closeness.js';
export { harmonic } from './harmonic.js';
export type { HarmonicOptions } from './harmonic.js';
export type { SourceSamplingOptions } from './sampling.js';
export { DEFAULT_SAMPLING_SEED, SAMPLING_DEFAULTS } from './sampling.js';
export { eigenvector } from './eigenvector.js';
export type { EigenvectorOptions, EigenvectorResult } from './eigenvector.js';
export { hits } from './hits.js';
export type { HitsOptions, HitsResult } from './hits.js';
export { kcore } from './kcore.js';
export { weaklyConnectedComponents, stronglyConnectedComponents } from './components.js';
export type { ComponentsResult } from './components.js';
export { clustering } from './clustering.js';
export type { ClusteringResult } from './clustering.js';
export { reciprocity } from './reciprocity.js';
export type { ReciprocityResult } from './reciprocity.js';
export { modularity } from './modularity.js';
export type { ModularityOptions } from './modularity.js';
export { louvain, DEFAULT_LOUVAIN_SEED, LOUVAIN_DEFAULTS } from './louvain.js';
export type { LouvainOptions, LouvainResult } from './louvain.js';
export { stableCommunityIds } from './stable-community-ids.js';
export type { StableIdsResult } from './stable-community-ids.js';
export { reach } from './reach.js';
export type { ReachResult } from './reach.js';
export { bfsTree, kBestPaths, arcStrength, DEFAULT_PATH_MAX_HOPS } from './paths.js';
export type { BfsTree, BfsTreeOptions, KBestPathsOptions, Path, PathDirection, PathMode } from './paths.js';
export { signedPagerank, SIGNED_PAGERANK_DEFAULTS } from './signed-pagerank.js';
export type { SignedPagerankOptions, SignedPagerankResult } from './signed-pagerank.js';
