import { Client, Connection } from '@temporalio/client';
import type { MarqueeConfig } from '@marquee/config';

/** A Temporal client for the configured namespace, and how to close its connection. */
export async function connectTemporal(
  config: MarqueeConfig,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  return {
    client: new Client({ connection, namespace: config.temporal.namespace }),
    close: () => connection.close(),
  };
}
