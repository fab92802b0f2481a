"""PyTorch's CPU training throughput on the bench:train models, for the same table (run by train.ts with --python).

Same networks as the toolkit's presets (Chollet's dense network and convnet, with batch norm, wider), batch of 128
random 28x28 images, RMSprop (lr 0.001, rho 0.9, eps 1e-7), cross-entropy. Prints one JSON list of rows.
Needs torch (a scratch virtual environment; never a dependency of the toolkit).
Usage: python pytorch-train.py --models convnet,dense --threads 1,2 --batches 6 --batch-size 128
"""
import argparse, json, time
import torch
import torch.nn as nn


def convnet(filters, dense_units, batch_norm=False):
    layers, channels, size = [], 1, 28
    for block, f in enumerate(filters):
        layers += [nn.Conv2d(channels, f, 3, bias=not batch_norm)] + ([nn.BatchNorm2d(f, momentum=0.1)] if batch_norm else []) + [nn.ReLU()]
        channels, size = f, size - 2
        if block < len(filters) - 1:
            layers.append(nn.MaxPool2d(2))
            size //= 2
    layers.append(nn.Flatten())
    inputs = channels * size * size
    for units in dense_units:
        layers += [nn.Linear(inputs, units, bias=not batch_norm)] + ([nn.BatchNorm1d(units)] if batch_norm else []) + [nn.ReLU()]
        inputs = units
    layers.append(nn.Linear(inputs, 27))
    return nn.Sequential(*layers)


MODELS = {
    'dense': lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 27)),
    'convnet': lambda: convnet([32, 64, 64], [64]),
    'convnet + batchnorm': lambda: convnet([32, 64, 64], [64], batch_norm=True),
    'wide convnet': lambda: convnet([64, 128, 128], [128]),
}


def measure(model, batches, batch_size):
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(batch_size, 1, 28, 28)
    y = torch.randint(1, 27, (batch_size,))

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    step()  # warm-up: allocations, optimizer state
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(batches):
        step()
    images = batches * batch_size
    return {'imagesPerSecond': images / (time.perf_counter() - start), 'cpuMicrosecondsPerImage': 1e6 * (time.process_time() - cpu) / images}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', default=','.join(MODELS))
    parser.add_argument('--threads', default='1,2')
    parser.add_argument('--batches', type=int, default=6)
    parser.add_argument('--batch-size', type=int, default=128)
    args = parser.parse_args()
    torch.manual_seed(0)
    rows = []
    for threads in [int(t) for t in args.threads.split(',')]:
        torch.set_num_threads(threads)
        for name in args.models.split(','):
            rows.append({'model': name, 'threads': threads, **measure(MODELS[name]().train(), args.batches, args.batch_size)})
    print(json.dumps({'version': torch.__version__, 'rows': rows}))


if __name__ == '__main__':
    main()
