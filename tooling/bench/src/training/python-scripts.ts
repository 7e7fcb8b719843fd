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

/**
 * EASE as Steck's reference code trains it (G = XᵀX + λI, P = G⁻¹ by np.linalg.inv, B = −P / diag(P)
 * with a zero diagonal) on binarized plays, then each sampled member's top 10 unplayed titles.
 */
export const NUMPY_EASE_SCRIPT = String.raw`
import json, sys, time
import numpy as np
import scipy.sparse as sp

spec = json.load(open(sys.argv[1]))
d, users, items, lam = spec["dir"], spec["users"], spec["items"], spec["lambda"]
indptr = np.fromfile(f"{d}/indptr", dtype=np.int32)
indices = np.fromfile(f"{d}/indices", dtype=np.int32)
sample = np.fromfile(f"{d}/sample", dtype=np.int32)
X = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(users, items))

start = time.perf_counter()
G = (X.T @ X).toarray()
G[np.diag_indices(items)] += lam
P = np.linalg.inv(G)
B = P / (-np.diag(P))
B[np.diag_indices(items)] = 0
seconds = time.perf_counter() - start

B32 = B.astype(np.float32)
scores = X[sample].toarray().astype(np.float32) @ B32
scores[X[sample].toarray() > 0] = -np.inf
top = np.argsort(-scores, axis=1, kind="stable")[:, :10].astype(np.int32)
top.tofile(f"{d}/numpy_top")
try:
    from threadpoolctl import threadpool_info
    blas = [f"{i['internal_api']} {i['version']} {i.get('architecture', '')} {i['num_threads']} threads" for i in threadpool_info()]
except Exception:
    blas = []
print(json.dumps({"seconds": seconds, "versions": {"numpy": np.__version__}, "blas": blas}))
`;

/**
 * cornac's BPR (Cython SGD; one thread, as cornac runs it when seeded) on the training plays as
 * (member, title, rating) triples, returning its vectors in Marquee's member and title order.
 */
export const CORNAC_BPR_SCRIPT = String.raw`
import json, sys, time
import numpy as np
import cornac
from cornac.data import Dataset

spec = json.load(open(sys.argv[1]))
d, users, items, p = spec["dir"], spec["users"], spec["items"], spec["params"]
indptr = np.fromfile(f"{d}/indptr", dtype=np.int32)
indices = np.fromfile(f"{d}/indices", dtype=np.int32)
triples = [(str(u), str(i), 1.0) for u in range(users) for i in indices[indptr[u]:indptr[u + 1]]]
train = Dataset.from_uir(triples, seed=p["seed"])
model = cornac.models.BPR(k=p["k"], max_iter=p["max_iter"], learning_rate=p["learning_rate"],
                          lambda_reg=p["lambda_reg"], seed=p["seed"], verbose=False)
start = time.perf_counter()
model.fit(train)
seconds = time.perf_counter() - start

member_rows = [train.uid_map[str(u)] for u in range(users)]
title_rows = [train.iid_map.get(str(i), -1) for i in range(items)]
U = model.u_factors[member_rows].astype(np.float32)
V = np.zeros((items, p["k"]), dtype=np.float32)
b = np.full(items, -np.inf, dtype=np.float32)
for i, row in enumerate(title_rows):
    if row >= 0:
        V[i] = model.i_factors[row]
        b[i] = model.i_biases[row]
U.tofile(f"{d}/cornac_users")
V.tofile(f"{d}/cornac_items")
b.tofile(f"{d}/cornac_bias")
print(json.dumps({"seconds": seconds, "threads": model.num_threads, "versions": {"cornac": cornac.__version__}}))
`;
