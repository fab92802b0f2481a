import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDataset } from '@letters/training';
import { Classifier } from '@letters/inference';
import { createServer } from '../src/serve/server.ts';
import { LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { testModel, type TestModel } from '../../test-support/models.ts';
import { writeImageFiles } from '../../test-support/image-files.ts';


describe('serve', () => {
  let model: TestModel;
  let classifier: Classifier;
  let app: FastifyInstance;
  let url: string;
  let images: Buffer[];

  beforeAll(async () => {
    model = await testModel('convnet');
    const { test } = await loadDataset('letters-sample', { dataDir: inject('sharedData'), limit: 30 });
    const files = await writeImageFiles(test, join(model.path, '..', 'images'), 30, 3);
    images = await Promise.all(files.map((file) => readFile(file)));
    classifier = await Classifier.create(model.onnx, { batchDelayMs: 5 });
    app = createServer(classifier, { maxBodyBytes: 64 * 1024, maxImages: 8 });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await classifier?.close();
  });

  const postImage = (body: Buffer, type = 'image/png', query = '') =>
    fetch(`${url}/predict${query}`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
  const postJson = (body: unknown) =>
    fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers concurrent requests like direct classification, sharing session runs', async () => {
    const direct = await classifier.classify(images, { topK: 3 });
    const runsBefore = classifier.stats.runs;
    const responses = await Promise.all(images.map((image) => postImage(image, 'image/png', '?topK=3')));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    responses.forEach((r) => expect(r.status).toBe(200));
    bodies.forEach((body, i) => expect(body.predictions).toEqual([direct[i]]));
    expect(classifier.stats.runs - runsBefore).toBeLessThan(images.length);
  });

  it('takes several base64 images in one JSON request, in order', async () => {
    const response = await postJson({ images: images.slice(0, 4).map((b) => b.toString('base64')), topK: 2 });
    expect(response.status).toBe(200);
    const { predictions } = await response.json();
    expect(predictions).toEqual(await classifier.classify(images.slice(0, 4), { topK: 2 }));
  });

  it('reports health', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', runtime: 'node', classes: 27 });
  });

  it.each([
    ['a text file as an image', () => postImage(Buffer.from('hello'), 'image/png'), 400, 'bad_image'],
    ['a body over the size limit', () => postImage(Buffer.alloc(100 * 1024), 'image/png'), 413, 'too_large'],
    ['too many images', () => postJson({ images: Array(9).fill(images[0]!.toString('base64')) }), 413, 'too_many_images'],
    ['JSON without images', () => postJson({ image: 'x' }), 400, 'bad_request'],
    ['a bad topK', () => postImage(images[0]!, 'image/png', '?topK=99'), 400, 'bad_top_k'],
    ['an unsupported content type', () => postImage(Buffer.from('a=1'), 'text/plain'), 415, 'unsupported_media_type'],
    ['an unknown path', () => fetch(`${url}/nope`), 404, 'not_found'],
  ])('answers %s with a JSON error', async (_name, send, status, code) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const server = spawn(process.execPath, [LETTERS_BIN, 'serve', model.path, '--port', '0', '--batch-delay', '1500'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk) => (output += chunk));
    while (!/listening on (http:\S+)/.test(output)) await once(server.stdout, 'data');
    const address = /listening on (http:\S+)/.exec(output)![1]!;
    // The request waits in the batching delay when the signal arrives.
    const inFlight = fetch(`${address}/predict`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(images[0]!) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).predictions).toHaveLength(1);
    const [code] = await once(server, 'exit');
    expect(code).toBe(0);
    expect(output).toMatch(/stopped/);
    await expect(fetch(`${address}/health`)).rejects.toThrow();
  });

  it('stops on SIGTERM while a client holds a half-sent upload (closed after the grace period)', async () => {
    const server = spawn(process.execPath, [LETTERS_BIN, 'serve', model.path, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk) => (output += chunk));
    while (!/listening on (http:\S+)/.test(output)) await once(server.stdout, 'data');
    const { hostname, port } = new URL(/listening on (http:\S+)/.exec(output)![1]!);
    const client = connect(Number(port), hostname);
    await once(client, 'connect');
    client.on('error', () => {});
    client.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\n\r\n\x89PNG');
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    expect(code).toBe(0);
    expect(output).toMatch(/stopped/);
    client.destroy();
  });

  it('refuses to listen beyond loopback', async () => {
    const server = spawn(process.execPath, [LETTERS_BIN, 'serve', model.path, '--host', '0.0.0.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(server, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--host 0.0.0.0: .*loopback only/);
  });
});
