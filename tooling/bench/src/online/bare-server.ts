import Fastify from 'fastify';

/**
 * The benchmark's baseline, run as its own process: a bare Fastify route answering the rows path with
 * a fixed page (the same bytes our service answered), so the only difference is what ours does.
 * Receives the page over IPC, answers with its port, and exits when the parent disconnects.
 */
process.once('message', (message: { body: string; host: string }) => {
  const app = Fastify({ logger: false });
  app.get('/v1/users/:id/rows', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(message.body);
  });
  app.listen({ port: 0, host: message.host }).then(
    () => process.send?.({ port: (app.server.address() as { port: number }).port }),
    (error: Error) => {
      console.error(`bare server failed: ${error.message}`);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => process.exit(0));
