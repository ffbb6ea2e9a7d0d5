/**
 * The JSON body /invocations takes (MLflow's scoring-server formats, converted in mlflow.ts), as a
 * JSON Schema for the OpenAPI document. `features`: the production model's, the columns of a row
* given without names; `record`: the JSON Schema of one record of POST /prediction. A CSV body (Content-Type: text/csv) is documented beside it.
 */
export function invocationsBody(features: string[], record: Record<string, unknown>): Record<string, unknown> {
  const row = { type: 'array', description: `One client's values in the model's feature order: ${features.join(', ')}.`, items: {}, minItems: features.length, maxItems: features.length };
  const params = { type: 'object', maxProperties: 0, description: 'MLflow inference parameters: this model takes none (an empty object, or leave it out).' };
  const one = (name: string, schema: Record<string, unknown>) => ({ type: 'object', properties: { [name]: schema, params }, required: [name], additionalProperties: false });
  return {
    description: 'Exactly one of dataframe_split, dataframe_records, instances, inputs (and optionally an empty params).',
    oneOf: [
      one('dataframe_split', { type: 'object', properties: { columns: { type: 'array', items: { type: 'string' }, description: 'Column names, each once.' }, data: { type: 'array', items: { type: 'array', items: {} }, description: 'Rows, one value per column.' }, index: { type: 'array' } }, required: ['columns', 'data'] }),
      one('dataframe_records', { type: 'array', items: record }),
      one('instances', { type: 'array', items: { anyOf: [record, row] } }),
      one('inputs', { type: 'array', items: { anyOf: [record, row] } }),
    ],
  };
}
