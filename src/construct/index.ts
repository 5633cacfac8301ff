// Function → network constructors and boundary geometry, in paper units (MODEL.md §9).

export { mulberry32, normalSampler, symmetricUniform } from './rng.ts';
export { linspace, jitteredGrid } from './grid.ts';
export type { JitteredGridOptions } from './grid.ts';
export { tangentNetwork1D, tangentNetwork2D, quadratic2D } from './tangentNetwork.ts';
export type { TangentNetwork, Quadratic2DParams } from './tangentNetwork.ts';
export { envelope1D, envelopeND } from './envelope.ts';
export { upperEnvelope, evaluateEnvelope } from './lineEnvelope.ts';
export type { Line, UpperEnvelope } from './lineEnvelope.ts';
export { boundaryE, boundaryI, boundaryIntersection, boundaryIntersections } from './eiBoundary.ts';
export type { EINetwork, EINetworkArrays, LatentPoint } from './eiBoundary.ts';
export { tangentPlaneNeuron } from './tangentPlane.ts';
export type { BoundarySurface, BoundaryNeuron } from './tangentPlane.ts';
export { buildDifferenceOfConvex } from './differenceOfConvex.ts';
export type { DifferenceOfConvexOptions, DifferenceOfConvexNetwork } from './differenceOfConvex.ts';
export { redundant } from './redundancy.ts';
export type { RedundancyOptions } from './redundancy.ts';
