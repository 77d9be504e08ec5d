/* hd__fiber_switch(hd__fiber *from, void *to_sp) for x86_64 System V.
 * Frame pushed on a suspended stack (low to high address):
 *   mxcsr (4 bytes), x87 control word (4 bytes), r15, r14, r13, r12, rbx, rbp,
 *   return address. hd__fiber_init builds the same frame for a new fiber with
 *   the return address pointing at hd__fiber_entry. */
        .text
        .globl  hd__fiber_switch
        .type   hd__fiber_switch, @function
hd__fiber_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   hd__fiber_switch, .-hd__fiber_switch

/* First code of a new fiber: r12 = argument, r13 = function. */
        .globl  hd__fiber_entry
        .type   hd__fiber_entry, @function
hd__fiber_entry:
        movq    %r12, %rdi
        andq    $-16, %rsp
        callq   *%r13
        ud2
        .size   hd__fiber_entry, .-hd__fiber_entry

        .section .note.GNU-stack,"",@progbits
