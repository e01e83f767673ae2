#!/bin/sh
# vivid-001 (vb2-dma-contig, no IOMMU: needs physically contiguous memory) into vkms.
# Plan: buffers from the CMA heap 'reserved', captured into by vivid-001 and scanned out by
# vkms as they are: 0 copies, one framebuffer import per buffer. Upstream GStreamer needs
# io-mode=dmabuf by hand here, and fails with io-mode=dmabuf-import.
here=$(dirname "$0")
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/../../build/gst-plugin}"
exec gst-launch-1.0 -m dmabridgev4l2src device-name=vivid-001 "${@:-num-buffers=60}" \
	! 'video/x-raw(memory:DMABuf),width=1280,height=720' \
	! dmabridgekmssink driver-name=vkms
