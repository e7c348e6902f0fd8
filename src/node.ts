/**
 * thermodiff/node: the Node-only parts of the library (onnxruntime-node training engine, model and
 * dataset files, PNG encoding, the registered paper reproductions). Everything in `thermodiff`
 * (src/index.ts) is re-exported too, so Node users can import from here alone.
 */
export * from './index.ts';
// data
export * from './data/fashionMnist.ts';

// nn
export * from './nn/models/engine.ts';
export * from './nn/models/flowModelFiles.ts';
export * from './nn/models/loadFlowModel.ts';
export * from './nn/models/mlpGraphs.ts';
export * from './nn/models/onnxFlowModel.ts';
export * from './nn/models/onnxGraph.ts';
export * from './nn/models/onnxAdamEngine.ts';
export * from './nn/models/onnxMlpEngine.ts';
export * from './nn/models/trainStepGraph.ts';
export * from './nn/train/checkpointFiles.ts';
export * from './nn/train/trainFlowModel.ts';

// report
export * from './report/png.ts';
export * from './report/optimizeScheduleReport.ts';
export * from './report/lossCurvePng.ts';

// experiments
export * from './experiments/experiment.ts';
export * from './experiments/fig6.ts';
export * from './experiments/fig6Reference.ts';
export * from './experiments/images.ts';
export * from './experiments/registry.ts';
export * from './experiments/swissRoll.ts';

// sweep (folders, workers, merge and report)
export * from './sweep/mergeSweep.ts';
export * from './sweep/planSweep.ts';
export * from './sweep/runSweep.ts';
export * from './sweep/sweepFolder.ts';
export * from './sweep/sweepReport.ts';
export * from './sweep/sweepWorker.ts';

// A2A-FM models (onnxruntime): training and transfer
export * from './a2a/a2aModel.ts';
export * from './a2a/trainA2A.ts';
export * from './a2a/a2aConfig.ts';
