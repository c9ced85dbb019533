"""Discovery, one module per source of environments, each reading the disk only.

The small interface: `discover(ctx, probe) -> list[Environment]`, in the order SPEC section 1
gives (first wins on a name clash; later ones come back marked `shadowed`).
"""
