/*
 * tools/model/active_mm.pml - sublet's active_mm and TLB protocol as a Promela model,
 * checked over every interleaving by SPIN (`make model`, `make model-full`).
 *
 * It models, with the code's names, the multi-CPU protocol the one-CPU code is written
 * for: context_switch (its four cases) and finish_task_switch (sched/core.c), switch_mm
 * and enter_lazy_tlb (arch/x86_64/mmu_context.c), exit_mm (sched/exit.c), mmput,
 * exit_mmap, mmdrop and __mmdrop (mm/mm_struct.c, mm/mmap.c), kthread_use_mm and
 * kthread_unuse_mm (sched/kthread.c), an unmap that clears a PTE and one that frees a
 * page-table page (mm/mmap.c, mm/pgtable.c), and the flush IPIs of x86 Linux
 * (flush_tlb_mm_range, flush_tlb_func), in both lazy-TLB modes. docs/model.md maps each
 * step to its function, states what is abstracted and why, and reads a trail.
 *
 * Compile-time switches (spin -D...):
 *   NCPU=2|3          CPUs (default 2)
 *   SHOOTDOWN         the MMU_LAZY_TLB_SHOOTDOWN mode; default MMU_LAZY_TLB_REFCOUNT
 *   TWO_MMS           T2 is a task of a second mm B, not a second thread of A
 *   WITH_T3           a third real task T3, of mm B, beside threads T1 T2 of A
 *   LIVENESS          the LTL properties, for pan -a -f (weak fairness)
 *   MUT_DROP_IN_SWITCH, MUT_SKIP_LAZY_ON_FREE, MUT_EARLY_CPUMASK_CLEAR,
 *   MUT_NO_GEN_CATCHUP, MUT_NO_LAZY_REF: the five classic bugs (docs/model.md)
 *
 * Bounds: NCPU CPUs; tasks: one idle task per CPU, one kernel thread K (one
 * kthread_use_mm/unuse_mm cycle on mm A), two threads T1 T2 of mm A, or with TWO_MMS
 * T1 in A and T2 in B, or with WITH_T3 also T3 in B; mms: init_mm, A (and B); each
 * process mm maps one user page through one page-table page. No mapping is ever created
 * again, and only A's tasks unmap and exit (B's only use their page and switch), so A
 * sees at most one PTE unmap, one page-table free and one exit_mmap: three flushes, and
 * tlb_gen and the CPUs' generations stay in 0..3. Everything else (the tasks' switching)
 * loops forever over a finite state space.
 */

#ifndef NCPU
#define NCPU 2
#endif

#define NONE 255 /* a NULL mm or task pointer */
#define BIT(c) (1 << (c))
#define ALL_CPUS ((1 << NCPU) - 1)

/* ---- mms ----------------------------------------------------------------------------- */
#define INIT 0 /* init_mm: the kernel's own tables, never freed, nobody's mm */
#define MM_A 1
#define MM_B 2
#if defined(TWO_MMS) || defined(WITH_T3)
#define NMM 3
#else
#define NMM 2
#endif

/* page-table page states */
#define PT_LINKED 0   /* in the tree: walks reach it */
#define PT_DETACHED 1 /* unlinked, not freed: a CPU's paging-structure cache may still */
#define PT_FREED 2    /* back in the page allocator */

byte mm_users[NMM];
byte mm_count[NMM];
byte cpumask[NMM];	/* mm_cpumask: CPUs that may cache its translations */
byte tlb_gen[NMM];	/* bumped by every flush request */
byte flushed_gen[NMM];	/* tlb_gen of the last flush that returned */
bool pte_present[NMM];	/* the one user page's PTE */
byte ptp_state[NMM];	/* the page-table page holding that PTE */
bool page_unmapped[NMM]; /* an unmap removed the page and has returned */
bool pgd_freed[NMM];	/* __mmdrop freed the PML4 and the struct */
bool mmap_locked[NMM];	/* mmap_lock held for writing */
bool mm_dying[NMM];	/* between mm_users reaching 0 and __mmput's mmdrop */
/* Census helpers: references the counters hold that no pointer shows. */
byte grabs[NMM];	/* mm_count: explicit mmgrab holders, and lazy refs in hand */
byte users_in_hand[NMM]; /* mm_users: exit_mm has cleared ->mm, mmput not done yet */

/* ---- tasks --------------------------------------------------------------------------- */
#define IDLE(c) (c)
#define K (NCPU)
#define T1 (NCPU + 1)
#define T2 (NCPU + 2)
#ifdef WITH_T3
#define T3 (NCPU + 3)
#define NTASK (NCPU + 4)
#else
#define NTASK (NCPU + 3)
#endif

byte t_mm[NTASK];
byte t_active[NTASK];	/* active_mm */
byte t_cpu[NTASK];	/* the CPU it runs on (until finish_task_switch releases it) */
byte tpc[NTASK];	/* where the task is in its own code */
byte t_ret[NTASK];	/* where it continues after exit_mmap */
byte t_xmm[NTASK];	/* the mm exit_mm gave up, until mmput */
bool t_dead[NTASK];
byte k_old;		/* kthread_use_mm: the active_mm it borrowed before */
bool k_users;		/* K holds an mm_users reference on A (mmget_not_zero) */

/* task program counters */
#define TP_RUN 0		/* between operations: preemptible */
#define TP_EXIT_LAZY 1		/* exit_mm: mmgrab done, next the irqs-off section */
#define TP_EXIT_PUT 2		/* exit_mm: ->mm cleared, lazy; next mmput (preemptible) */
#define TP_EXIT_SCHED 3		/* do_exit: TASK_DEAD, only schedule() is left */
#define TP_UNMAP_DONE 4		/* munmap: the flush returned; free the page */
#define TP_TABLES_DONE 5	/* munmap freeing tables: the flush returned; free them */
#define TP_MMAP_FREE 6		/* exit_mmap: the flush returned; free, then mmdrop */
#define KP_GOT 7		/* K holds mm_users on A (preemptible) */
#define KP_USE_SWITCH 8		/* kthread_use_mm: mmgrab done, next the irqs-off part */
#define KP_USE_DROP 9		/* kthread_use_mm: drop the old lazy reference */
#define KP_USING 10		/* K's mm is A (preemptible) */
#define KP_UNUSE_DROP 11	/* kthread_unuse_mm: drop kthread_use_mm's reference */
#define KP_PUT 12		/* K's mmput (preemptible) */
#define KP_DONE 13		/* K runs on as a plain kernel thread */

#define PREEMPTIBLE(t) (tpc[t] == TP_RUN || tpc[t] == TP_EXIT_PUT || tpc[t] == KP_GOT || \
			tpc[t] == KP_USING || tpc[t] == KP_PUT || tpc[t] == KP_DONE || \
			tpc[t] == TP_EXIT_SCHED)

/* ---- CPUs ---------------------------------------------------------------------------- */
byte curr[NCPU];	/* rq->curr: set when the switch starts, as __schedule does */
byte loaded_mm[NCPU];	/* what CR3 holds */
bool is_lazy[NCPU];
byte cpu_tlb_gen[NCPU];	/* the generation of loaded_mm this TLB is flushed up to */
bool tlb_leaf[NCPU];	/* TLB: a cached translation of loaded_mm's user page */
bool tlb_pwc[NCPU];	/* paging-structure cache: a cached pointer to its page-table page */
bool in_switch[NCPU];	/* rq->lock held, interrupts off: context_switch */
byte prev_mm[NCPU];	/* rq->prev_mm: parked by context_switch for finish_task_switch */
byte sw_prev[NCPU];
byte sm_next[NCPU];	/* switch_mm in progress: the mm being loaded */
byte sm_ret[NCPU];	/* and what follows it */
byte cpc[NCPU];		/* where the CPU is, outside its task's own code */
/* One request per sending CPU: a flush or a lazy shootdown, and the CPUs yet to ack. */
byte req_mm[NCPU];
byte req_kind[NCPU];
byte req_wait[NCPU];
byte req_gen[NCPU];

#define C_RUN 0		/* running curr's code, interrupts on */
#define C_SM_LOAD 1	/* switch_mm: in next's cpumask, tlb_gen not read, CR3 not written */
#define C_SM_CATCHUP 2	/* switch_mm to the loaded mm: no longer lazy, tlb_gen not read */
#define C_CS_FINISH 3	/* context_switch done, finish_task_switch next */
#define C_FLUSH_SEND 4	/* flush_tlb_mm_range: tlb_gen bumped, cpumask not read */
#define C_FLUSH_WAIT 5	/* waiting for the flush IPIs' acks (interrupts on) */
#define C_SHOOT_WAIT 6	/* __mmdrop (shootdown mode): waiting for the lazy shootdown */

#define REQ_FLUSH 1		/* PTEs changed: lazy CPUs may be skipped */
#define REQ_FLUSH_TABLES 2	/* page-table pages freed: every CPU in the mask */
#define REQ_SHOOT 3		/* shootdown mode's __mmdrop: lazy users leave the mm */

#define IRQS_ON(c) (cpc[c] == C_RUN || cpc[c] == C_FLUSH_WAIT || cpc[c] == C_SHOOT_WAIT)
hidden byte i, j, n, m, s; /* scratch inside d_steps: never live between steps */

/*
 * Coverage: with COVER=k in pan's environment, reaching point k is a violation, so a
 * run that finds it proves the clean model reaches that case (check.py's cover-* runs,
 * which reuse the clean runs' verifiers): the checks are not satisfied merely because
 * nothing interesting ever happens. 0 (unset): no point is one.
 */
byte cover;
#define REACHED(k) assert(cover != k)

#ifdef SHOOTDOWN
#define REFCOUNT 0
#else
#define REFCOUNT 1
#endif

/* ---- invariants, checked after every step -------------------------------------------- */

/*
 * The census: mm_count is one for all real users together (while mm_users > 0, and
 * until __mmput's mmdrop), plus (refcount mode) one per lazy user and parked prev_mm,
 * plus explicit grabs. mm_users is the real users: tasks whose mm it is, K's mmget, and
 * exit_mm's reference until its mmput.
 */
inline check_census(m)
{
	n = (mm_users[m] > 0 || mm_dying[m]) + grabs[m];
	if
	:: REFCOUNT ->
		for (i : 0 .. NTASK - 1) {
			n = n + (t_mm[i] == NONE && t_active[i] == m)
		};
		skip
		for (i : 0 .. NCPU - 1) {
			n = n + (prev_mm[i] == m)
		};
		skip
	:: else -> skip
	fi;
	assert(pgd_freed[m] || mm_count[m] == n);
	if
	:: m != INIT ->
		n = users_in_hand[m] + (m == MM_A && k_users);
		for (i : 0 .. NTASK - 1) {
			n = n + (t_mm[i] == m && i != K)
		};
		skip
		assert(mm_users[m] == n)
	:: else -> skip
	fi
}

inline check_invariants()
{
	for (m : 0 .. NMM - 1) {
		check_census(m);
		/* a freed mm: nobody points at it, no CPU has it loaded or cached */
		if
		:: pgd_freed[m] ->
			for (i : 0 .. NTASK - 1) {
				assert(t_mm[i] != m && t_active[i] != m)
			};
			skip
			for (i : 0 .. NCPU - 1) {
				assert(loaded_mm[i] != m && prev_mm[i] != m)
			};
			skip
		:: else -> skip
		fi;
		/* a freed page-table page: no CPU may walk it */
		if
		:: ptp_state[m] == PT_FREED ->
			for (i : 0 .. NCPU - 1) {
				assert(!(loaded_mm[i] == m && tlb_pwc[i]))
			};
			skip
		:: else -> skip
		fi
	};
	skip
	for (i : 0 .. NTASK - 1) {
		assert(t_mm[i] != INIT);				/* nobody's mm */
		assert(t_mm[i] == NONE || t_active[i] == t_mm[i]);	/* real: active == mm */
		assert(t_cpu[i] != NONE || t_mm[i] != NONE || t_active[i] == NONE)
	};
	skip
}

/* ---- TLB and CR3 --------------------------------------------------------------------- */

/* Write CR3 (no PCID): every non-global translation goes. */
inline load_cr3(c, mm)
{
	loaded_mm[c] = mm;
	tlb_leaf[c] = false;
	tlb_pwc[c] = false;
}

inline local_flush(c)
{
	tlb_leaf[c] = false;
	tlb_pwc[c] = false;
	cpu_tlb_gen[c] = tlb_gen[loaded_mm[c]]
}

/*
 * switch_mm_irqs_off(NULL, &init_mm): a lazy CPU told to leave its mm. In refcount
 * mode it leaves the mm's cpumask, as switch_mm does. In shootdown mode it must stay
 * there while its task's active_mm still names the mm: the mask is the only way the
 * final __mmdrop finds the lazy users it must chase off (the model found the dangling
 * active_mm otherwise; docs/model.md).
 */
inline switch_to_init_mm(c)
{
	cpumask[INIT] = cpumask[INIT] | BIT(c);
	j = loaded_mm[c];
	load_cr3(c, INIT);
	cpu_tlb_gen[c] = tlb_gen[INIT];
	is_lazy[c] = false;
	if
	:: REFCOUNT || t_active[curr[c]] != j -> cpumask[j] = cpumask[j] & ~BIT(c)
	:: else -> skip
	fi
}

/* enter_lazy_tlb (arch/x86_64/mmu_context.c) */
inline enter_lazy_tlb(c)
{
	if
	:: loaded_mm[c] != INIT ->
		is_lazy[c] = true;
#ifdef MUT_EARLY_CPUMASK_CLEAR
		/* BUG: "a lazy CPU needs no flushes": it leaves the mask, CR3 still loaded */
		cpumask[loaded_mm[c]] = cpumask[loaded_mm[c]] & ~BIT(c)
#endif
	:: else -> skip
	fi
}

/*
 * switch_mm, first half (interrupts off). To the mm already loaded: leave lazy mode
 * (published before tlb_gen is read: C_SM_CATCHUP). To another mm: publish this CPU in
 * next's cpumask before reading tlb_gen (C_SM_LOAD). Whatever follows is sm_ret.
 */
inline switch_mm_start(c, next, ret)
{
	sm_next[c] = next;
	sm_ret[c] = ret;
	if
	:: loaded_mm[c] == next && !is_lazy[c] -> cpc[c] = ret	/* threads of one mm */
	:: loaded_mm[c] == next && is_lazy[c] ->
		is_lazy[c] = false;
		cpc[c] = C_SM_CATCHUP
	:: loaded_mm[c] != next ->
		cpumask[next] = cpumask[next] | BIT(c);
		cpc[c] = C_SM_LOAD
	fi
}

/* ---- references ---------------------------------------------------------------------- */

/* __mmdrop: free the PML4 and the struct (mm/mm_struct.c). */
inline mmdrop_free(c, mm)
{
	assert(mm != INIT);
	assert(!in_switch[c]); /* never under rq->lock: finish_task_switch's reason */
	assert(mm_users[mm] == 0);
	for (i : 0 .. NCPU - 1) {
		assert(loaded_mm[i] != mm) /* no PML4 freed while a CPU has it in CR3 */
	};
	skip
	assert(cpumask[mm] == 0);
	pgd_freed[mm] = true
}

/*
 * mmdrop: at zero, __mmdrop. In shootdown mode lazy users hold no reference, so first
 * every CPU in the mask (and this one) must leave the mm: C_SHOOT_WAIT.
 */
inline mmdrop(c, mm)
{
	assert(mm_count[mm] > 0);
	mm_count[mm]--;
	if
	:: mm_count[mm] == 0 && REFCOUNT -> mmdrop_free(c, mm)
	:: mm_count[mm] == 0 && !REFCOUNT ->
		assert(cpc[c] == C_RUN);
		if
		:: t_active[curr[c]] == mm ->
			t_active[curr[c]] = INIT;
			if
			:: loaded_mm[c] == mm -> switch_to_init_mm(c)
			:: else -> skip
			fi
		:: else -> skip
		fi;
		cpumask[mm] = cpumask[mm] & ~BIT(c);
		req_mm[c] = mm;
		req_kind[c] = REQ_SHOOT;
		req_wait[c] = cpumask[mm] & ~BIT(c);
		cpc[c] = C_SHOOT_WAIT
	:: else -> skip
	fi
}

/* the reference a lazy user holds: only in refcount mode (mmgrab_lazy_tlb) */
inline mmgrab_lazy(mm)
{
	if
	:: REFCOUNT -> mm_count[mm]++
	:: else -> skip
	fi
}

/* ---- flushing ------------------------------------------------------------------------ */

/*
 * flush_tlb_mm_range, first half, done together with the page-table change that needs
 * it (under the page-table lock): bump tlb_gen, flush this CPU. The mask is read in
 * the next step (C_FLUSH_SEND), after the bump: the order that lets lazy CPUs be skipped.
 */
inline flush_tlb_mm_range(c, mm, kind)
{
	tlb_gen[mm]++;
	req_mm[c] = mm;
	req_kind[c] = kind;
	req_gen[c] = tlb_gen[mm];
	if
	:: loaded_mm[c] == mm -> local_flush(c)
	:: else -> skip
	fi;
	cpc[c] = C_FLUSH_SEND
}

/* The IPI's receiving side (flush_tlb_func, or the shootdown's do_shoot_lazy_tlb). */
inline handle_ipi(c)
{
	s = 0;
	do
	:: s < NCPU && (req_wait[s] & BIT(c)) -> break
	:: s < NCPU && !(req_wait[s] & BIT(c)) -> s++
	od;
	m = req_mm[s];
	if
	:: req_kind[s] == REQ_SHOOT ->
		if
		:: t_active[curr[c]] == m ->
			REACHED(9); /* shootdown: a lazy user chased off */
			t_active[curr[c]] = INIT;
			if
			:: loaded_mm[c] == m -> switch_to_init_mm(c)
			:: else -> skip
			fi
		:: else -> skip
		fi;
		cpumask[m] = cpumask[m] & ~BIT(c);
		assert(loaded_mm[c] != m)
	:: req_kind[s] != REQ_SHOOT && loaded_mm[c] != m -> skip
	:: req_kind[s] != REQ_SHOOT && loaded_mm[c] == m && is_lazy[c] ->
		REACHED(6); /* a lazy CPU sent to init_mm */
		switch_to_init_mm(c)
	:: req_kind[s] != REQ_SHOOT && loaded_mm[c] == m && !is_lazy[c] ->
		if
		:: cpu_tlb_gen[c] < tlb_gen[m] ->
			REACHED(7); /* a CPU on the mm catches up */
			local_flush(c)
		:: else -> skip
		fi
	fi;
	req_wait[s] = req_wait[s] & ~BIT(c)
}

#if NCPU == 2
#define IPI_PENDING(c) (((req_wait[0] | req_wait[1]) & BIT(c)) != 0)
#else
#define IPI_PENDING(c) (((req_wait[0] | req_wait[1] | req_wait[2]) & BIT(c)) != 0)
#endif

/* ---- the task's operations ----------------------------------------------------------- */

/* exit_mmap (mm/mmap.c): zap the page, detach the table, flush (tables freed). */
inline exit_mmap(c, t, mm, ret)
{
	assert(!mmap_locked[mm]);
	mm_dying[mm] = true;
	pte_present[mm] = false;
	if
	:: ptp_state[mm] == PT_LINKED -> ptp_state[mm] = PT_DETACHED
	:: else -> skip
	fi;
	t_ret[t] = ret;
	tpc[t] = TP_MMAP_FREE;
	t_xmm[t] = mm;
	flush_tlb_mm_range(c, mm, REQ_FLUSH_TABLES)
}

/* mmput: the last real user tears the user half down (exit_mmap), then mmdrop. */
inline mmput(c, t, mm, ret)
{
	assert(mm_users[mm] > 0);
	mm_users[mm]--;
	if
	:: mm_users[mm] == 0 -> exit_mmap(c, t, mm, ret)
	:: else ->
		tpc[t] = ret;
		t_xmm[t] = NONE
	fi
}

/* The user access of a real task: through the TLB, or a walk that fills it. */
inline access_user_page(c, mm)
{
	assert(loaded_mm[c] == mm && !pgd_freed[mm]);
	/* no CPU uses a translation of a page once the unmap that removed it returned */
	assert(!(tlb_leaf[c] && page_unmapped[mm]));
	/* nor runs on user translations with a generation older than a returned flush */
	assert(cpu_tlb_gen[c] >= flushed_gen[mm]);
	if
	:: !tlb_leaf[c] && pte_present[mm] ->
		tlb_pwc[c] = true;
		tlb_leaf[c] = true
	:: else -> skip /* cached, or a page fault (SIGSEGV): no translation used */
	fi
}

/* ---- one CPU ------------------------------------------------------------------------- */

/* context_switch's first part: everything up to switch_mm's CR3 write (sched/core.c). */
inline context_switch(c, next)
{
	n = curr[c];
	sw_prev[c] = n;
	curr[c] = next;
	t_cpu[next] = c;
	in_switch[c] = true;
	if
	:: t_mm[next] == NONE -> /* to a kernel thread: borrow prev's active_mm */
		enter_lazy_tlb(c);
		t_active[next] = t_active[n];
		if
		:: t_mm[n] != NONE ->
			REACHED(1); /* real -> kernel */
#ifndef MUT_NO_LAZY_REF
			mmgrab_lazy(t_active[n])
#else
			skip /* BUG: a lazy user that holds no reference */
#endif
		:: else ->
			REACHED(2); /* kernel -> kernel */
			t_active[n] = NONE
		fi;
		cpc[c] = C_CS_FINISH
	:: else -> /* to a real task */
		if
		:: t_mm[n] != NONE && t_mm[n] == t_mm[next] -> REACHED(3) /* threads */
		:: t_mm[n] != NONE && t_mm[n] != t_mm[next] -> REACHED(4) /* another mm */
		:: else -> skip
		fi;
		switch_mm_start(c, t_mm[next], C_CS_FINISH)
	fi
}

/* The rest of context_switch, after switch_mm: park a borrowed mm for finish_task_switch. */
inline context_switch_park(c)
{
	n = sw_prev[c];
	if
	:: t_mm[n] == NONE && REFCOUNT ->
		REACHED(5); /* kernel -> real */
#ifndef MUT_DROP_IN_SWITCH
		prev_mm[c] = t_active[n];
#else
		mmdrop(c, t_active[n]); /* BUG: the drop under rq->lock, before switch_to */
#endif
		t_active[n] = NONE
	:: t_mm[n] == NONE && !REFCOUNT -> t_active[n] = NONE
	:: else -> skip
	fi
}

/* switch_mm's second half: read tlb_gen (after publishing), load CR3 or catch up. */
inline switch_mm_finish(c)
{
	m = sm_next[c];
	if
	:: cpc[c] == C_SM_LOAD ->
		n = loaded_mm[c];
		load_cr3(c, m);
		cpu_tlb_gen[c] = tlb_gen[m];
		is_lazy[c] = false;
		cpumask[n] = cpumask[n] & ~BIT(c) /* no translation of the old mm is left here */
	:: cpc[c] == C_SM_CATCHUP ->
#ifndef MUT_NO_GEN_CATCHUP
		if
		:: cpu_tlb_gen[c] < tlb_gen[m] -> /* missed flushes while lazy */
			REACHED(10);
			local_flush(c)
		:: else -> skip
		fi
#else
		skip /* BUG: back from lazy mode on the same mm, trusting its TLB */
#endif
	fi;
	cpc[c] = sm_ret[c];
	sm_next[c] = 0; /* scratch cleared: equal states must look equal to SPIN */
	sm_ret[c] = 0;
	if
	:: cpc[c] == C_CS_FINISH -> context_switch_park(c)
	:: else -> skip
	fi
}

/* finish_task_switch (sched/core.c): release prev, the lock; drop the parked mm. */
inline finish_task_switch(c)
{
	n = sw_prev[c];
	sw_prev[c] = 0;
	t_cpu[n] = NONE;
	if
	:: tpc[n] == TP_EXIT_SCHED -> t_dead[n] = true
	:: else -> skip
	fi;
	n = curr[c];
	/* every switch ends with active_mm == mm (real), or a borrowed mm held (lazy) */
	assert(t_active[n] != NONE && !pgd_freed[t_active[n]]);
	assert(t_mm[n] == NONE || loaded_mm[c] == t_mm[n]);
	assert(REFCOUNT || t_mm[n] != NONE || loaded_mm[c] != t_active[n] ||
	       (cpumask[loaded_mm[c]] & BIT(c)));
	in_switch[c] = false;
	cpc[c] = C_RUN;
	if
	:: prev_mm[c] != NONE ->
		m = prev_mm[c];
		prev_mm[c] = NONE;
		mmdrop(c, m);
		if
		:: pgd_freed[m] -> REACHED(8) /* the zombie's last lazy reference */
		:: else -> skip
		fi
	:: else -> skip
	fi
}

#define RUNNABLE_ON(t, c) (t_cpu[t] == NONE && !t_dead[t])
#define MAY_SCHEDULE(c) (cpc[c] == C_RUN && !IPI_PENDING(c) && PREEMPTIBLE(curr[c]))
#define TASK_STEP(c, t) (cpc[c] == C_RUN && !IPI_PENDING(c) && curr[c] == t)
#define REAL_STEP(c, t) (TASK_STEP(c, t) && t >= T1 && tpc[t] == TP_RUN && t_mm[t] != NONE)

/* ---- the trail's narration: one line per step (spin -t prints them, pan does not) ---- */

inline pr_task(t)
{
	if
	:: t < NCPU -> printf("idle%d", t)
	:: t == K -> printf("K")
	:: t == T1 -> printf("T1")
	:: t == T2 -> printf("T2")
#ifdef WITH_T3
	:: t == T3 -> printf("T3")
#endif
	:: t == NONE -> printf("-")
	fi
}

inline pr_mm(mm)
{
	if
	:: mm == INIT -> printf("init_mm")
	:: mm == MM_A -> printf("A")
	:: mm == MM_B -> printf("B")
	:: mm == NONE -> printf("NULL")
	fi
}

/* After each step: the CPUs and the process mms as they are now. */
inline pr_state()
{
	for (j : 0 .. NCPU - 1) {
		printf("      cpu%d: curr ", j);
		pr_task(curr[j]);
		printf(" mm ");
		pr_mm(t_mm[curr[j]]);
		printf(" active_mm ");
		pr_mm(t_active[curr[j]]);
		printf(" | loaded_mm ");
		pr_mm(loaded_mm[j]);
		printf(" lazy %d gen %d tlb %d pwc %d\n", is_lazy[j], cpu_tlb_gen[j], tlb_leaf[j],
		       tlb_pwc[j])
	};
	for (j : 1 .. NMM - 1) {
		printf("      mm ");
		pr_mm(j);
		printf(": users %d count %d cpumask %d tlb_gen %d pte %d ptp %d freed %d\n",
		       mm_users[j], mm_count[j], cpumask[j], tlb_gen[j], pte_present[j],
		       ptp_state[j], pgd_freed[j])
	};
	skip
}

#define SAY(c) printf("cpu%d ", c); pr_task(curr[c]); printf(": ")

#define STEP_END(c) check_invariants(); pr_state()

proctype cpu(byte c)
{
end:
	do
	/* An IPI is taken as soon as interrupts are on: before anything else. */
	:: d_step { IRQS_ON(c) && IPI_PENDING(c) ->
		printf("cpu%d: IPI from cpu%d: ", c, s);
		handle_ipi(c);
		printf("kind %d mm ", req_kind[s]);
		pr_mm(req_mm[s]);
		printf(" handled (flush_tlb_func)\n");
		STEP_END(c) }
	/* The hardware walks loaded_mm's tables whenever it likes, even on a lazy CPU. */
	:: d_step { loaded_mm[c] != INIT && ptp_state[loaded_mm[c]] == PT_LINKED &&
		    (!tlb_pwc[c] || (pte_present[loaded_mm[c]] && !tlb_leaf[c])) ->
		assert(!pgd_freed[loaded_mm[c]]);
		tlb_pwc[c] = true;
		tlb_leaf[c] = pte_present[loaded_mm[c]];
		printf("cpu%d: the page walker caches loaded_mm's tables (speculative walk)\n", c);
		STEP_END(c) }

	/* schedule(): pick any runnable task (the idle task only on its own CPU) */
	:: d_step { MAY_SCHEDULE(c) && curr[c] != IDLE(c) && RUNNABLE_ON(IDLE(c), c) ->
		SAY(c); printf("schedule() -> context_switch to its idle task\n");
		context_switch(c, IDLE(c)); STEP_END(c) }
	:: d_step { MAY_SCHEDULE(c) && curr[c] != K && RUNNABLE_ON(K, c) ->
		SAY(c); printf("schedule() -> context_switch to K\n");
		context_switch(c, K); STEP_END(c) }
	:: d_step { MAY_SCHEDULE(c) && curr[c] != T1 && RUNNABLE_ON(T1, c) ->
		SAY(c); printf("schedule() -> context_switch to T1\n");
		context_switch(c, T1); STEP_END(c) }
	:: d_step { MAY_SCHEDULE(c) && curr[c] != T2 && RUNNABLE_ON(T2, c) ->
		SAY(c); printf("schedule() -> context_switch to T2\n");
		context_switch(c, T2); STEP_END(c) }
#ifdef WITH_T3
	:: d_step { MAY_SCHEDULE(c) && curr[c] != T3 && RUNNABLE_ON(T3, c) ->
		SAY(c); printf("schedule() -> context_switch to T3\n");
		context_switch(c, T3); STEP_END(c) }
#endif
	:: d_step { cpc[c] == C_SM_LOAD || cpc[c] == C_SM_CATCHUP ->
		SAY(c); printf("switch_mm: reads tlb_gen, loads CR3 or catches up\n");
		switch_mm_finish(c); STEP_END(c) }
	:: d_step { cpc[c] == C_CS_FINISH ->
		SAY(c); printf("finish_task_switch\n");
		finish_task_switch(c); STEP_END(c) }

	/* flush_tlb_mm_range, second half: read the mask, send the IPIs */
	:: d_step { cpc[c] == C_FLUSH_SEND ->
		m = req_mm[c];
		n = 0;
		for (i : 0 .. NCPU - 1) {
			if
			:: i != c && (cpumask[m] & BIT(i)) &&
#ifdef MUT_SKIP_LAZY_ON_FREE
			   !is_lazy[i] -> /* BUG: lazy CPUs skipped even when tables are freed */
#else
			   (!is_lazy[i] || req_kind[c] == REQ_FLUSH_TABLES) ->
#endif
				n = n | BIT(i)
			:: else -> skip
			fi
		};
		req_wait[c] = n;
		cpc[c] = C_FLUSH_WAIT;
		printf("cpu%d: flush_tlb_mm_range reads cpumask %d, sends IPIs to %d\n", c,
		       cpumask[m], n);
		STEP_END(c) }
	:: d_step { cpc[c] == C_FLUSH_WAIT && req_wait[c] == 0 && !IPI_PENDING(c) ->
		m = req_mm[c];
		/* every non-lazy CPU on the mm has caught up with this flush (one in the
		 * middle of leaving lazy mode reads tlb_gen before it can use the mm) */
		for (i : 0 .. NCPU - 1) {
			assert(loaded_mm[i] != m || is_lazy[i] || cpc[i] == C_SM_CATCHUP ||
			       cpu_tlb_gen[i] >= req_gen[c])
		};
		if
		:: flushed_gen[m] < req_gen[c] -> flushed_gen[m] = req_gen[c]
		:: else -> skip
		fi;
		cpc[c] = C_RUN;
		req_mm[c] = 0;
		req_kind[c] = 0;
		req_gen[c] = 0;
		printf("cpu%d: flush_tlb_mm_range returns: every IPI acknowledged\n", c);
		STEP_END(c) }
	:: d_step { cpc[c] == C_SHOOT_WAIT && req_wait[c] == 0 && !IPI_PENDING(c) ->
		printf("cpu%d: __mmdrop: lazy shootdown acknowledged, frees the PML4\n", c);
		mmdrop_free(c, req_mm[c]);
		cpc[c] = C_RUN;
		req_mm[c] = 0;
		req_kind[c] = 0;
		STEP_END(c) }

	/* a real task's own code: user accesses, munmap, exit */
	:: d_step { REAL_STEP(c, curr[c]) ->
		SAY(c); printf("uses its user page\n");
		access_user_page(c, t_mm[curr[c]]);
		STEP_END(c) }
	:: d_step { REAL_STEP(c, curr[c]) && t_mm[curr[c]] == MM_A && pte_present[MM_A] &&
		    !mmap_locked[t_mm[curr[c]]] ->
		SAY(c); printf("do_munmap clears the PTE (zap_pte), flush_tlb_mm_range bumps tlb_gen\n");
		m = t_mm[curr[c]];
		mmap_locked[m] = true;
		pte_present[m] = false;
		tpc[curr[c]] = TP_UNMAP_DONE;
		flush_tlb_mm_range(c, m, REQ_FLUSH);
		STEP_END(c) }
	:: d_step { REAL_STEP(c, curr[c]) && t_mm[curr[c]] == MM_A && ptp_state[MM_A] == PT_LINKED &&
		    !mmap_locked[t_mm[curr[c]]] ->
		SAY(c); printf("do_munmap detaches the page-table page (walk_page_range), flush\n");
		m = t_mm[curr[c]];
		mmap_locked[m] = true;
		pte_present[m] = false;
		ptp_state[m] = PT_DETACHED;
		tpc[curr[c]] = TP_TABLES_DONE;
		flush_tlb_mm_range(c, m, REQ_FLUSH_TABLES);
		STEP_END(c) }
	:: d_step { REAL_STEP(c, curr[c]) && t_mm[curr[c]] == MM_A ->
		SAY(c); printf("do_exit -> exit_mm: mmgrab\n");
		m = t_mm[curr[c]];
		mmgrab_lazy(m);
		grabs[m] = grabs[m] + REFCOUNT;
		tpc[curr[c]] = TP_EXIT_LAZY;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, curr[c]) && tpc[curr[c]] == TP_EXIT_LAZY ->
		SAY(c); printf("exit_mm, interrupts off: ->mm = NULL, enter_lazy_tlb\n");
		n = curr[c];
		m = t_mm[n];
		t_xmm[n] = m;
		t_mm[n] = NONE;
		users_in_hand[m]++;
		grabs[m] = grabs[m] - REFCOUNT; /* the grab is now the lazy reference */
		enter_lazy_tlb(c);
		tpc[n] = TP_EXIT_PUT;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, curr[c]) && tpc[curr[c]] == TP_EXIT_PUT ->
		SAY(c); printf("exit_mm: mmput\n");
		n = curr[c];
		users_in_hand[t_xmm[n]]--;
		mmput(c, n, t_xmm[n], TP_EXIT_SCHED);
		STEP_END(c) }
	:: d_step { TASK_STEP(c, curr[c]) && tpc[curr[c]] == TP_UNMAP_DONE ->
		SAY(c); printf("do_munmap frees the page and returns\n");
		m = t_mm[curr[c]];
		page_unmapped[m] = true;
		mmap_locked[m] = false;
		tpc[curr[c]] = TP_RUN;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, curr[c]) && tpc[curr[c]] == TP_TABLES_DONE ->
		SAY(c); printf("do_munmap frees the page-table page and returns\n");
		m = t_mm[curr[c]];
		ptp_state[m] = PT_FREED; /* no CPU may walk it: check_invariants */
		page_unmapped[m] = true;
		mmap_locked[m] = false;
		tpc[curr[c]] = TP_RUN;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, curr[c]) && tpc[curr[c]] == TP_MMAP_FREE ->
		SAY(c); printf("exit_mmap frees the page-table page; __mmput's mmdrop\n");
		n = curr[c];
		m = t_xmm[n];
		if
		:: ptp_state[m] == PT_DETACHED -> ptp_state[m] = PT_FREED
		:: else -> skip
		fi;
		page_unmapped[m] = true;
		mm_dying[m] = false;
		tpc[n] = t_ret[n];
		t_ret[n] = 0;
		t_xmm[n] = NONE;
		mmdrop(c, m); /* the real users' shared reference */
		STEP_END(c) }

	/* the kernel thread K: one kthread_use_mm / kthread_unuse_mm cycle on A */
	:: d_step { TASK_STEP(c, K) && tpc[K] == TP_RUN ->
		SAY(c); printf("mmget_not_zero(A)\n");
		if
		:: mm_users[MM_A] > 0 ->
			mm_users[MM_A]++;
			k_users = true;
			tpc[K] = KP_GOT
		:: else -> tpc[K] = KP_DONE
		fi;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_GOT ->
		SAY(c); printf("kthread_use_mm(A): mmgrab\n");
		mm_count[MM_A]++;
		grabs[MM_A]++;
		tpc[K] = KP_USE_SWITCH;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_USE_SWITCH ->
		SAY(c); printf("kthread_use_mm(A), interrupts off: mm = active_mm = A, switch_mm\n");
		k_old = t_active[K];
		grabs[k_old] = grabs[k_old] + REFCOUNT; /* the old lazy reference, in hand */
		t_active[K] = MM_A;
		t_mm[K] = MM_A;
		tpc[K] = KP_USE_DROP;
		switch_mm_start(c, MM_A, C_RUN);
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_USE_DROP ->
		SAY(c); printf("kthread_use_mm: mmdrop the old lazy reference\n");
		tpc[K] = KP_USING;
		if
		:: REFCOUNT ->
			grabs[k_old]--;
			mmdrop(c, k_old)
		:: else -> skip
		fi;
		k_old = NONE;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_USING ->
		SAY(c); printf("uses A's user page\n");
		access_user_page(c, MM_A);
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_USING ->
		SAY(c); printf("kthread_unuse_mm(A), interrupts off: mm = NULL, enter_lazy_tlb\n");
		t_mm[K] = NONE;
		mmgrab_lazy(MM_A);
		enter_lazy_tlb(c);
		tpc[K] = KP_UNUSE_DROP;
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_UNUSE_DROP ->
		SAY(c); printf("kthread_unuse_mm: mmdrop kthread_use_mm's reference\n");
		grabs[MM_A]--;
		tpc[K] = KP_PUT;
		mmdrop(c, MM_A);
		STEP_END(c) }
	:: d_step { TASK_STEP(c, K) && tpc[K] == KP_PUT ->
		SAY(c); printf("mmput(A)\n");
		k_users = false;
		mmput(c, K, MM_A, KP_DONE);
		STEP_END(c) }
	od
}

/* No step possible anywhere: a deadlock, in an IPI wait or elsewhere. */
active proctype watchdog()
{
	timeout ->
	for (i : 0 .. NCPU - 1) {
		assert(cpc[i] != C_FLUSH_WAIT && cpc[i] != C_SHOOT_WAIT) /* an IPI wait deadlocked */
	};
	assert(false) /* nothing can move: some other wait deadlocked */
}

init
{
	c_code { now.cover = getenv("COVER") ? atoi(getenv("COVER")) : 0; };
	d_step {
		for (m : 0 .. NMM - 1) {
			mm_users[m] = 0;
			mm_count[m] = 1;
			pte_present[m] = (m != INIT);
			ptp_state[m] = PT_LINKED
		};
		skip
		mm_users[INIT] = 2;
		mm_count[INIT] = 1 + REFCOUNT * NCPU; /* each idle task's lazy reference */
		cpumask[INIT] = ALL_CPUS;
#ifdef TWO_MMS
		mm_users[MM_A] = 1; /* T1 */
		mm_users[MM_B] = 1; /* T2 */
#else
		mm_users[MM_A] = 2; /* T1 and T2 */
#endif
		for (i : 0 .. NTASK - 1) {
			t_mm[i] = NONE;
			t_active[i] = NONE;
			t_cpu[i] = NONE;
			t_xmm[i] = NONE
		};
		skip
		for (i : 0 .. NCPU - 1) {
			curr[i] = IDLE(i);
			t_cpu[IDLE(i)] = i;
			t_active[IDLE(i)] = INIT;
			loaded_mm[i] = INIT;
			prev_mm[i] = NONE
		};
		skip
		t_mm[T1] = MM_A;
		t_active[T1] = MM_A;
#ifdef WITH_T3
		t_mm[T3] = MM_B;
		t_active[T3] = MM_B;
		mm_users[MM_B] = 1;
#endif
#ifdef TWO_MMS
		t_mm[T2] = MM_B;
		t_active[T2] = MM_B;
#else
		t_mm[T2] = MM_A;
		t_active[T2] = MM_A;
#endif
		k_old = NONE;
		check_invariants()
	}
	atomic {
		run cpu(0);
		run cpu(1);
#if NCPU > 2
		run cpu(2);
#endif
	}
}

#ifdef LIVENESS
/* Every flush and every lazy shootdown is acknowledged: no wait lasts forever. */
#define WAITING(c) (cpc[c] == C_FLUSH_WAIT || cpc[c] == C_SHOOT_WAIT)
#if NCPU == 2
ltl waits_end { [] ((WAITING(0) -> <> !WAITING(0)) && (WAITING(1) -> <> !WAITING(1))) }
#else
ltl waits_end { [] ((WAITING(0) -> <> !WAITING(0)) && (WAITING(1) -> <> !WAITING(1)) &&
		    (WAITING(2) -> <> !WAITING(2))) }
#endif
#endif
