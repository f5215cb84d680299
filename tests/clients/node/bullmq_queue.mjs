// A BullMQ queue against the server at the given port: 1,000 jobs (some
// delayed, some prioritised, one failing once and retried) processed by a
// worker. Prints "ok" when every job completed with the expected results.
import { Queue, QueueEvents, Worker } from "bullmq";

const port = Number(process.argv[2]);
const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
const name = "jobs";
const queue = new Queue(name, { connection });
const total = 1000;
const results = new Map();
let failedOnce = false;

const worker = new Worker(name, async (job) => {
  if (job.data.flaky && !failedOnce) {
    failedOnce = true;
    throw new Error("first attempt fails");
  }
  return job.data.n * 2;
}, { connection, concurrency: 20 });

let timer;
const finished = new Promise((resolve, reject) => {
  worker.on("completed", (job, value) => {
    results.set(job.data.n, value);
    if (results.size === total) resolve();
  });
  worker.on("error", reject);
  timer = setTimeout(
    () => reject(new Error(`timeout: ${results.size} done`)),
    120000,
  );
});

const jobs = [];
for (let n = 0; n < total; n++) {
  const opts = { removeOnComplete: false };
  if (n % 10 === 0) opts.delay = 50 + (n % 7) * 10;
  if (n % 13 === 0) opts.priority = 1 + (n % 5);
  if (n === 7) {
    opts.attempts = 2;
    opts.backoff = { type: "fixed", delay: 20 };
  }
  jobs.push({ name: "double", data: { n, flaky: n === 7 }, opts });
}
await queue.addBulk(jobs.slice(0, 500));
for (const job of jobs.slice(500)) await queue.add(job.name, job.data, job.opts);

await finished;
clearTimeout(timer);
for (let n = 0; n < total; n++) {
  if (results.get(n) !== n * 2) throw new Error(`job ${n}: ${results.get(n)}`);
}
const counts = await queue.getJobCounts("completed", "failed", "waiting", "delayed");
if (counts.completed !== total || counts.failed !== 0) {
  throw new Error(`counts ${JSON.stringify(counts)}`);
}
if (!failedOnce) throw new Error("the flaky job never failed");
const retried = await queue.getJob((await queue.getJobs(["completed"], 0, -1)).find((j) => j.data.n === 7).id);
if (retried.attemptsMade !== 2) throw new Error(`attemptsMade ${retried.attemptsMade}`);
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
console.log("ok");
