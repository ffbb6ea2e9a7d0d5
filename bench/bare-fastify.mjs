// The ceiling for bench/server.ts: a bare fastify route in its own process, no validation, no
// model — it parses the same JSON body and answers a constant. node bench/bare-fastify.mjs PORT
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/bare', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.stdout.write('listening\n');
