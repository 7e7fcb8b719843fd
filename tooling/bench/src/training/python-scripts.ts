/**
 * The baselines' side of each benchmark, run in the bench venv. Each reads spec.json and raw arrays
 * from the scratch directory, times only the work being compared, and prints one JSON line.
 */

/** benfred/implicit's CPU ALS (conjugate gradient) on the same matrix and initial factors. */
export const IMPLICIT_TRAIN_SCRIPT = String.raw`
import json, sys, time
import numpy as np
import scipy
import scipy.sparse as sp

spec = json.load(open(sys.argv[1]))
d, users, items, f = spec["dir"], spec["users"], spec["items"], spec["factors"]
load = lambda name, dtype: np.fromfile(f"{d}/{name}", dtype=dtype)
alpha, reg, threads = spec["alpha"], spec["regularization"], spec["threads"]

# implicit takes the confidence itself (c = alpha * data) where Marquee takes the play strength r
# (c = 1 + alpha * r): data = r + 1/alpha gives both the same confidences.
data = load("values", np.float32) + np.float32(1.0 / alpha)
user_items = sp.csr_matrix((data, load("indices", np.int32), load("indptr", np.int32)), shape=(users, items))

import implicit
from implicit.cpu import _als
from implicit.cpu.als import AlternatingLeastSquares

model = AlternatingLeastSquares(factors=f, regularization=reg, alpha=alpha, iterations=spec["iterations"],
                                use_cg=True, num_threads=threads, dtype=np.float32)
model.user_factors = load("user_init", np.float32).reshape(users, f).copy()
model.item_factors = load("item_init", np.float32).reshape(items, f).copy()

def progress(iteration, seconds, loss):
    print(f"bench: implicit iteration {iteration + 1}/{spec['iterations']} {seconds:.2f} s", file=sys.stderr, flush=True)

start = time.perf_counter()
model.fit(user_items, show_progress=False, callback=progress)
seconds = time.perf_counter() - start

model.user_factors.tofile(f"{d}/implicit_users")
model.item_factors.tofile(f"{d}/implicit_items")
confidence = (alpha * user_items).astype(np.float32).tocsr()
loss = lambda x, y: float(_als.calculate_loss(confidence, x, y, reg, num_threads=threads))
ours = (load("ours_users", np.float32).reshape(users, f), load("ours_items", np.float32).reshape(items, f))
print(json.dumps({
    "seconds": seconds,
    "implicitLoss": loss(model.user_factors, model.item_factors),
    "oursLoss": loss(*ours),
    "versions": {"implicit": implicit.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
}))
`;

/** Dense block scoring with numpy: (1,024 members × factors) @ (factors × titles), argpartition top k, sort k. */
export const NUMPY_SCORE_SCRIPT = String.raw`
import json, sys, time
import numpy as np

spec = json.load(open(sys.argv[1]))
d, members, items, f, k, block = spec["dir"], spec["members"], spec["items"], spec["factors"], spec["k"], spec["block"]
U = np.fromfile(f"{d}/member_factors", dtype=np.float32).reshape(members, f)
Y = np.fromfile(f"{d}/title_factors", dtype=np.float32).reshape(items, f)
sample = np.fromfile(f"{d}/sample", dtype=np.int32)
top = np.empty((members, k), dtype=np.int32)

start = time.perf_counter()
for s in range(0, members, block):
    scores = U[s:s + block] @ Y.T
    best = np.argpartition(scores, -k, axis=1)[:, -k:]
    order = np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable")
    top[s:s + block] = np.take_along_axis(best, order, axis=1)
    if (s // block) % 20 == 19:
        print(f"bench: numpy scored {s + block}/{members} members", file=sys.stderr, flush=True)
seconds = time.perf_counter() - start

top[sample].tofile(f"{d}/numpy_sample")
print(json.dumps({"seconds": seconds, "versions": {"numpy": np.__version__}}))
`;
