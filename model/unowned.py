"""Arrays and structrefs without reference counts, for compiled loops that read many tables many times.

numba counts references to every array it passes to a function or takes out
of a tuple, and to every structref it passes, with an atomic operation each
time; a loop that reads dozens of tables per event spends more time counting
than computing, and the counting calls keep LLVM from inlining small helpers.
A view of the same memory without a meminfo is not counted: :func:`unowned`
makes one of an array, :func:`borrow` of a structref. Use them only on what
the caller keeps alive for as long as the views are used (arguments of the
compiled function that makes the views, held by its Python caller; a
structref kept by :func:`keep_alive` after its last borrowed use).
"""

from __future__ import annotations

from numba.core import cgutils, imputils, types
from numba.core.datamodel import models
from numba.core.typing.templates import AttributeTemplate
from numba.experimental.structref import _Utils
from numba.extending import infer_getattr, intrinsic, lower_getattr_generic, register_model


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


class Borrowed(types.Type):
    """A structref's fields read through a plain pointer to them: passed and copied without counting."""

    def __init__(self, owner: types.StructRef):
        self.owner = owner
        super().__init__(name=f"Borrowed({owner})")


@register_model(Borrowed)
class _BorrowedModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        payload = dmm.lookup(fe_type.owner.get_data_type()).get_value_type()
        super().__init__(dmm, fe_type, payload.as_pointer())


@infer_getattr
class _BorrowedAttribute(AttributeTemplate):
    key = Borrowed

    def generic_resolve(self, typ, attr):
        return typ.owner.field_dict.get(attr)


@lower_getattr_generic(Borrowed)
def _borrowed_getattr(context, builder, typ, val, attr):
    fields = cgutils.create_struct_proxy(typ.owner.get_data_type())(context, builder, ref=val)
    return imputils.impl_ret_borrowed(context, builder, typ.owner.field_dict[attr], getattr(fields, attr))


@intrinsic
def borrow(typingctx, owner):
    """The fields of structref ``owner``, readable as ``owner``'s (``b.x``), with no reference to count."""

    def codegen(context, builder, sig, args):
        return _Utils(context, builder, sig.args[0]).get_data_pointer(args[0])

    return Borrowed(owner)(owner), codegen


@intrinsic
def keep_alive(typingctx, owner):
    """Use ``owner`` here: numba frees a variable after its last use, and borrowed views must not outlive it."""

    def codegen(context, builder, sig, args):
        return context.get_dummy_value()

    return types.none(owner), codegen
