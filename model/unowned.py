"""Arrays without reference counts, for compiled loops that read many arrays many times.

numba counts references to every array it passes to a function or takes out
of a tuple, with an atomic operation each time; a loop that reads dozens of
tables per row spends more time counting than computing. A view of the same
memory without a meminfo is not counted. Use it only on arrays the caller
keeps alive for as long as the views are used (arguments of the compiled
function that makes the views, held by its Python caller).
"""

from __future__ import annotations

from numba.core import types
from numba.extending import intrinsic


def _null_meminfo(context, builder, ty, value):
    ary = context.make_array(ty)(context, builder, value=value)
    ary.meminfo = context.get_constant_null(types.MemInfoPointer(types.voidptr))
    ary.parent = context.get_constant_null(types.pyobject)
    return ary._getvalue()


@intrinsic
def unowned(typingctx, value):
    """The same arrays (alone, or the arrays in a tuple) without their reference counts."""

    def codegen(context, builder, sig, args):
        ty, val = sig.args[0], args[0]
        if isinstance(ty, types.Array):
            return _null_meminfo(context, builder, ty, val)
        for i, t in enumerate(ty.types):
            if isinstance(t, types.Array):
                item = _null_meminfo(context, builder, t, builder.extract_value(val, i))
                val = builder.insert_value(val, item, i)
        return val

    return value(value), codegen
