// The DynamoDB state store, bundled on its own: it exists only once shared/state/dynamodb.ts does.
export * from '../../shared/state/dynamodb.js';
