/** Outlier detection (Envoy's upstream/outlier_detection_impl): config and the per-cluster detector. */
export { parseOutlierDetection, type OutlierDetectionConfig } from './detector-config.ts';
export { OutlierDetector, OUTLIER_STATS, type EjectionType, type OutlierDetectorOptions, type OutlierResult } from './detector.ts';
