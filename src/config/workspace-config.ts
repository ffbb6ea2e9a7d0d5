import type { RawConfig } from './schema.js';

/**
 * The original project's config keys with its folder layout — what the generator writes into a
 * new workspace (and the benchmarks and tests start from). Overrides add riskwatch's own keys.
 */
export function workspaceConfig(overrides: Partial<RawConfig> = {}): RawConfig {
  return {
    input_folder_path: 'sourcedata',
    output_folder_path: 'ingesteddata',
    test_data_path: 'testdata',
    output_model_path: 'models',
    prod_deployment_path: 'production_deployment',
    input_file_extension: 'csv',
    url: 'http://127.0.0.1:8000/',
    ...overrides,
  };
}
