# labbox: busybox-static FROM scratch, built by scripts/build-labbox (nothing is pulled).
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/bin
CMD ["sleep", "infinity"]
