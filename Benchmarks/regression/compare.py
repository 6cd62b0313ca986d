"""Regression side by side: backprop's CLI, a PyTorch network with the same settings, and a
linear model (least squares with an intercept), on one train/test split of a generated table.

scikit-learn's diabetes table (442 rows, 10 features) is not available offline here, so the
table has its shape: 442 rows of 10 standard normal features, a target that is partly linear
and partly not, plus noise, with known noise variance (so the best reachable R² is known).

    python3 Benchmarks/regression/compare.py BACKPROP_BINARY WORK_DIR [SEEDS]

Settings (the issue's): --standardize --hidden 16 --optimizer adam --learning-rate 0.01
--epochs 20 --batch-size 32, 25% held out. Prints one line per run and the medians.
"""
import json, math, os, subprocess, sys
import numpy as np
import torch

binary, work = sys.argv[1], sys.argv[2]
seeds = [int(s) for s in (sys.argv[3] if len(sys.argv) > 3 else "1,2,3,4,5").split(",")]
os.makedirs(work, exist_ok=True)

rng = np.random.default_rng(442)
n, d, noise = 442, 10, 1.0
x = rng.standard_normal((n, d))
signal = 2 * x[:, 0] - 1.5 * x[:, 1] + x[:, 2] + 0.5 * x[:, 3] + x[:, 4] * x[:, 5] + np.sin(2 * x[:, 6]) + 0.5 * x[:, 7] ** 2
y = 150 + 50 * (signal + noise * rng.standard_normal(n))   # diabetes-like units: around 150, spread ~ 75
order = rng.permutation(n)
test_rows, train_rows = order[: round(0.25 * n)], order[round(0.25 * n):]

def write(path, rows):
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(d)] + ["target"]) + "\n")
        for i in rows:
            f.write(",".join(repr(float(v)) for v in x[i]) + "," + repr(float(y[i])) + "\n")
train_csv, test_csv = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
write(train_csv, train_rows)
write(test_csv, test_rows)

def r2(pred, target):
    return 1 - np.sum((target - pred) ** 2) / np.sum((target - target.mean()) ** 2)

# The best possible model knows the signal: its R² on the test rows is the noise floor.
floor = r2(150 + 50 * signal[test_rows], y[test_rows])
X1 = np.c_[x[train_rows], np.ones(len(train_rows))]
coef, *_ = np.linalg.lstsq(X1, y[train_rows], rcond=None)
linear = r2(np.c_[x[test_rows], np.ones(len(test_rows))] @ coef, y[test_rows])
print(f"noise floor (true function) test R2 {floor:.4f}; linear least squares test R2 {linear:.4f}")

def backprop(seed, extra):
    out = subprocess.run([binary, "train", "--csv", train_csv, "--target-column", "target", "--test-csv", test_csv,
                          "--standardize", "--hidden", "16", "--optimizer", "adam", "--learning-rate", "0.01",
                          "--epochs", "20", "--batch-size", "32", "--seed", str(seed), "--json"] + extra,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["test_r2"]

def pytorch(seed):
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    xt, yt = x[train_rows], y[train_rows]
    mx, sx, my, sy = xt.mean(0), xt.std(0), yt.mean(), yt.std()
    X = torch.tensor((xt - mx) / sx, dtype=torch.float32)
    Y = torch.tensor(((yt - my) / sy)[:, None], dtype=torch.float32)
    model = torch.nn.Sequential(torch.nn.Linear(d, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(20):
        for batch in torch.randperm(len(X)).split(32):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(X[batch]), Y[batch])
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        pred = model(torch.tensor((x[test_rows] - mx) / sx, dtype=torch.float32)).numpy()[:, 0] * sy + my
    return r2(pred, y[test_rows])

rows = {"backprop (default init, std 0.01)": [backprop(s, []) for s in seeds],
        "backprop --weight-init he": [backprop(s, ["--weight-init", "he"]) for s in seeds],
        f"PyTorch {torch.__version__} (default init)": [pytorch(s) for s in seeds]}
for name, values in rows.items():
    print(f"{name}: test R2 " + " ".join(f"{v:.4f}" for v in values)
          + f"  median {np.median(values):.4f} min {min(values):.4f} max {max(values):.4f}")
