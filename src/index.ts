/**
 * thermodiff: the browser-safe library (no Node-only imports anywhere below this file; a test
 * checks it). Node-only parts (onnxruntime training, dataset files, PNG encoding, the paper
 * reproductions) are in `thermodiff/node` (src/node.ts). The CLI is in src/cli.
 */
// core
export * from './core/check.ts';
export * from './core/errors.ts';
export * from './core/ode.ts';
export * from './core/points.ts';
export * from './core/quadrature.ts';
export * from './core/rng.ts';
export * from './core/roots.ts';
export * from './core/sampleStat.ts';
export * from './core/sde.ts';
export * from './core/special.ts';

// schedules
export * from './schedules/coefficients.ts';
export * from './schedules/condOtSchedule.ts';
export * from './schedules/cosineSchedule.ts';
export * from './schedules/customSchedule.ts';
export * from './schedules/namedSchedule.ts';
export * from './schedules/schedule.ts';
export * from './schedules/scheduleFile.ts';
export * from './schedules/timeChange.ts';
export * from './schedules/timeChangedSchedule.ts';
export * from './schedules/validateSchedule.ts';
export * from './schedules/veSchedule.ts';
export * from './schedules/vpLinearSchedule.ts';

// processes
export * from './processes/linearForceProcess.ts';
export * from './processes/momentEquations.ts';
export * from './processes/scheduleProcess.ts';
export * from './processes/swissRollForce.ts';

// data
export * from './data/checkerboard.ts';
export * from './data/eightGaussians.ts';
export * from './data/empiricalPoints.ts';
export * from './data/gaussianMixture.ts';
export * from './data/idx.ts';
export * from './data/imageSet.ts';
export * from './data/swissRoll.ts';
export * from './data/syntheticImages.ts';
export * from './data/twoMoons.ts';

// fields
export * from './fields/exact1d.ts';
export * from './fields/gradientProjection.ts';
export * from './fields/isotropicGaussianSum.ts';
export * from './fields/linearForceMixtureField.ts';
export * from './fields/mixture1d.ts';
export * from './fields/otDisplacementField.ts';
export * from './fields/scheduleMixtureField.ts';

// ot
export * from './ot/index.ts';

// io
export * from './io/npy.ts';

// thermo
export * from './thermo/differentialEntropy1d.ts';
export * from './thermo/entropyProduction.ts';
export * from './thermo/expectation1d.ts';
export * from './thermo/imageSpeedAccuracy.ts';
export * from './thermo/ndFlow.ts';
export * from './thermo/observableSpeed.ts';
export * from './thermo/perturbation.ts';
export * from './thermo/perturbationNd.ts';
export * from './thermo/reducedGeometryCost.ts';
export * from './thermo/reverseParticles1d.ts';
export * from './thermo/scheduleForce1d.ts';
export * from './thermo/scheduleTransition1d.ts';
export * from './thermo/speedAccuracy1d.ts';
export * from './config/speedAccuracyConfig.ts';
export * from './thermo/speedAccuracyNd.ts';
export * from './config/speedAccuracyNdConfig.ts';
export * from './report/speedAccuracyNdReport.ts';
export * from './thermo/stochasticEntropy.ts';
export * from './thermo/thermodynamicLength.ts';
export * from './thermo/wasserstein2Quantile1d.ts';
export * from './thermo/wassersteinSpeed.ts';
export * from './thermo/wassersteinSpeed1d.ts';

// nn
export * from './nn/train/checkpointFormat.ts';
export * from './nn/train/couplings.ts';
export * from './config/datasetSpec.ts';
export * from './nn/evaluate/evaluateFlowModel.ts';
export * from './nn/models/flowModel.ts';
export * from './nn/models/flowModelFormat.ts';
export * from './nn/sample/integrateFlow.ts';
export * from './nn/train/lrSchedule.ts';
export * from './nn/train/minibatchAssignment.ts';
export * from './nn/models/mlpForward.ts';
export * from './nn/models/mlpSizes.ts';
export * from './data/pca.ts';
export * from './nn/sample/sampleReverseSde.ts';
export * from './nn/train/sinkhornPlan.ts';
export * from './nn/train/stepRng.ts';
export * from './config/trainConfig.ts';
export * from './nn/models/tsFlowModel.ts';

// report
export * from './report/charts.ts';
export * from './report/markdown.ts';
export * from './report/scatterChart.ts';
export * from './report/vegaSvg.ts';

// grids (schedule optimiser: step grids, grid studies, optimize-schedule)
export * from './grids/exact1dStudy.ts';
export * from './grids/gridField.ts';
export * from './grids/gridFile.ts';
export * from './grids/gridStudy.ts';
export * from './grids/integrateGrid.ts';
export * from './grids/modelStudy.ts';
export * from './grids/normalScoreNodes.ts';
export * from './grids/optimiseGrid.ts';
export * from './grids/optimizeSchedule.ts';
export * from './grids/sampledStudy.ts';
export * from './grids/stepDiagnostics1d.ts';
export * from './grids/stepGrids.ts';
export * from './config/optimizeScheduleConfig.ts';

// sweep (pure parts: sweep files, grids, shards, the command registry, summaries)
export * from './sweep/dottedPath.ts';
export * from './sweep/shard.ts';
export * from './sweep/stableJson.ts';
export * from './sweep/sweepRegistry.ts';
export * from './sweep/sweepRows.ts';
export * from './sweep/sweepSpec.ts';
export * from './report/errorBarChart.ts';

// A2A-FM (all-to-all condition transfer): coupling, grouped experiment, data, evaluation protocol (models: thermodiff/node)
export * from './a2a/coupling.ts';
export * from './a2a/blockAssignment.ts';
export * from './a2a/datasets.ts';
export * from './a2a/grouped.ts';
export * from './a2a/annulusEval.ts';
