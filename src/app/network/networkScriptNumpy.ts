/**
 * The NumPy flavour of the network's code twin: every layer's forward and backward pass
 * written plainly (convolution with stride, padding and dilation; ReLU; max- and average-pool
 * with a stride; flatten; dense; softmax cross-entropy), and the passes through the network's
 * LAYERS table (networkScript.ts writes the table from the network).
 */

/** The hand-written layers, and the forward and backward passes through LAYERS. */
export const NUMPY_LAYERS = `

def pad(x, padding):
    """Zero padding on all four sides of every channel."""
    return np.pad(x, ((0, 0), (padding, padding), (padding, padding)))


def taps(first, n_out, stride):
    """Where one tap falls for every output position, along one side: first, first + stride, ..."""
    return slice(first, first + (n_out - 1) * stride + 1, stride)


def conv_out_size(side, layer, kernel):
    span = (kernel - 1) * layer["dilation"] + 1  # the cells a dilated kernel spans
    return (side + 2 * layer["padding"] - span) // layer["stride"] + 1


def conv_forward(x, w, b, layer):
    """z[k] = b[k] + sum over channels c of (sum over the KH x KW taps of w[k, c] * patch), at
    every position at once: tap (a, t) meets padded x[c, i*stride + a*dilation, j*stride + t*dilation]."""
    C, H, W = x.shape
    K, _, kh, kw = w.shape
    stride, dilation = layer["stride"], layer["dilation"]
    out_h, out_w = conv_out_size(H, layer, kh), conv_out_size(W, layer, kw)
    xp = pad(x, layer["padding"])
    z = b[:, None, None] + ZEROS((K, out_h, out_w))
    for c in range(C):
        channel_sum = ZEROS(z.shape)
        for a in range(kh):
            for t in range(kw):
                cells = xp[c, taps(a * dilation, out_h, stride), taps(t * dilation, out_w, stride)]
                channel_sum = channel_sum + w[:, c, a, t, None, None] * cells
        z = z + channel_sum
    return z


def conv_weight_grad(x, delta, shape, layer):
    """Every filter's gradient, vectorised: the sum over positions of delta * the cells tap
    (c, a, t) saw there; and every bias's: the sum of its delta."""
    K, C, kh, kw = shape
    out_h, out_w = delta.shape[1:]
    stride, dilation = layer["stride"], layer["dilation"]
    xp = pad(x, layer["padding"])
    grad = ZEROS(shape)
    for c in range(C):
        for a in range(kh):
            for t in range(kw):
                cells = xp[c, taps(a * dilation, out_h, stride), taps(t * dilation, out_w, stride)]
                grad[:, c, a, t] = np.einsum("kij,ij->k", delta, cells)
    return grad, delta.sum(axis=(1, 2))


def conv_input_grad(delta, w, shape, layer):
    """The delta a convolution sends to its input: every filter's delta times its weights, placed
    where each position looked, summed (vectorised: one strided slice per tap)."""
    C, H, W = shape
    _, _, kh, kw = w.shape
    out_h, out_w = delta.shape[1:]
    p, stride, dilation = layer["padding"], layer["stride"], layer["dilation"]
    grad = ZEROS((C, H + 2 * p, W + 2 * p))
    for a in range(kh):
        for t in range(kw):
            cells = (slice(None), taps(a * dilation, out_h, stride), taps(t * dilation, out_w, stride))
            grad[cells] += np.einsum("kij,kc->cij", delta, w[:, :, a, t])
    return grad[:, p : p + H, p : p + W]


def pool_windows(y, layer):
    """Every pooling window's cells, tap by tap: windows[a * size + t] holds, for each output
    cell, the cell (a, t) of its window (no padding; windows past the edge are dropped)."""
    C, H, W = y.shape
    size, stride = layer["size"], layer["stride"]
    out_h, out_w = (H - size) // stride + 1, (W - size) // stride + 1
    return np.stack([y[:, taps(a, out_h, stride), taps(t, out_w, stride)] for a in range(size) for t in range(size)])


def pool_backward(shares, layer, shape):
    """Adds shares[a * size + t] (one per output cell) into the cell (a, t) of each window;
    where windows overlap, a cell receives the sum of its windows' shares."""
    size, stride = layer["size"], layer["stride"]
    out_h, out_w = shares.shape[2:]
    grad = ZEROS(shape)
    for a in range(size):
        for t in range(size):
            grad[:, taps(a, out_h, stride), taps(t, out_w, stride)] += shares[a * size + t]
    return grad


def forward(image, params):
    """Runs LAYERS in order: every layer's output (outputs[i] is layer i's), and for each
    max-pool which cell of each window won (the first largest in row-major order on a tie)."""
    outputs, winners = [], {}
    x = image
    for index, layer in enumerate(LAYERS):
        kind = layer["type"]
        if kind == "conv2d":
            x = conv_forward(x, *params[index], layer)
        elif kind == "relu":
            x = np.maximum(x, 0.0)
        elif kind == "maxpool2d":
            windows = pool_windows(x, layer)
            x, winners[index] = windows.max(axis=0), windows.argmax(axis=0)
        elif kind == "avgpool2d":
            x = pool_windows(x, layer).sum(axis=0) / layer["size"] ** 2
        elif kind == "flatten":
            x = x.reshape(-1)  # channel by channel, row by row (as torch.flatten)
        elif kind == "dense":
            w, b = params[index]
            x = w @ x + b
        outputs.append(x)
    return outputs, winners


def backward(image, outputs, winners, params, grad_out, down_to):
    """From dL/d(the last output) down to layer down_to: deltas[i] = dL/d(layer i's output), and
    grads[i] = (dL/dw, dL/db) of each layer with weights on the way."""
    deltas, grads = [None] * len(LAYERS), {}
    deltas[-1] = grad_out
    for index in range(len(LAYERS) - 1, down_to - 1, -1):
        layer, delta = LAYERS[index], deltas[index]
        x = image if index == 0 else outputs[index - 1]  # the layer's input
        kind = layer["type"]
        if kind == "conv2d":
            grads[index] = conv_weight_grad(x, delta, layer["shape"], layer)
            below = conv_input_grad(delta, params[index][0], x.shape, layer) if index > down_to else None
        elif kind == "relu":
            below = np.where(x > 0, delta, 0.0)  # passes delta where its input > 0, stops it elsewhere
        elif kind == "maxpool2d":
            taps_count = layer["size"] ** 2  # the whole delta goes to the cell that won the window
            below = pool_backward(np.stack([np.where(winners[index] == n, delta, 0.0) for n in range(taps_count)]), layer, x.shape)
        elif kind == "avgpool2d":
            share = delta / layer["size"] ** 2  # every cell of the window gets delta / size^2
            below = pool_backward(np.stack([share] * layer["size"] ** 2), layer, x.shape)
        elif kind == "flatten":
            below = delta.reshape(x.shape)
        elif kind == "dense":
            w = params[index][0]
            grads[index] = (np.outer(delta, x), delta)  # dL/dw = delta x input, dL/db = delta
            below = w.T @ delta  # the dense layer sends delta * w back
        if index > down_to:
            deltas[index - 1] = below
    return deltas, grads
`;

/** The NumPy flavour's forward and backward passes: every layer by hand. */
export const NUMPY_PASSES = `
    # The numbers as float64 arrays, each layer's weights in its shape.
    image = AS_ARRAY(IMAGE).reshape(CHANNELS, HEIGHT, WIDTH)
    params = {i: (AS_ARRAY(w).reshape(LAYERS[i]["shape"]), AS_ARRAY(b)) for i, (w, b) in PARAMETERS.items()}

    # Forward pass through every layer, then softmax.
    outputs, winners = forward(image, params)
    logits = outputs[-1]
    m = logits.max()
    e = np.exp(logits - m)
    probabilities = e / e.sum()  # "Draw a digit"'s class probabilities, for this image
    loss = np.log(e.sum()) - (logits[LABEL] - m)  # cross-entropy: -log probabilities[LABEL]

    # Backward pass by hand, from the loss down to the chosen layer. This image's share of the
    # batch loss is SCALE x its loss, so every delta carries SCALE.
    grad_logits = SCALE * (probabilities - np.eye(len(logits))[LABEL])  # softmax cross-entropy: p - onehot
    deltas, grads = backward(image, outputs, winners, params, grad_logits, LAYER)
    layer_input = image if LAYER == 0 else outputs[LAYER - 1]  # what the layer sees
    w, b = params[LAYER]
    delta_above = deltas[ABOVE][FILTER]  # "δ from above": what the layers above send to this filter's channel
    delta = deltas[LAYER][FILTER]  # "δ at the filter's output": dL/dz, through the pools and ReLUs above
    weights, bias = w[FILTER], float(b[FILTER])
`;
