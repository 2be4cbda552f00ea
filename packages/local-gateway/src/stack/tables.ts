/** `aws_dynamodb_table`: the tables `pnpm dev` creates in its local DynamoDB (the table construct's output). */
import type { TableDef } from './model';
import { blockList, type StackReader } from './resolver';

/**
 * @example
 * readTables(reader); // [{ name: 'orders-api-dev-orders', hashKey: 'id', … }]
 */
export function readTables(reader: StackReader): TableDef[] {
  const { resolver, str } = reader;
  return reader.all('aws_dynamodb_table').map(({ address, config }) => ({
    address,
    name: str(address, config, 'name'),
    hashKey: str(address, config, 'hash_key'),
    rangeKey: config.range_key === undefined ? undefined : str(address, config, 'range_key'),
    attributes: blockList(resolver.resolve(config.attribute)).map((a) => ({ name: String(a.name), type: String(a.type) })),
    globalSecondaryIndexes: blockList(resolver.resolve(config.global_secondary_index)).map((g) => ({
      name: String(g.name),
      hashKey: String(g.hash_key),
      rangeKey: g.range_key === undefined ? undefined : String(g.range_key),
      projectionType: String(g.projection_type ?? 'ALL'),
    })),
  }));
}
